import { Construct } from "constructs";
import { CloudwatchEventRule } from "@cdktf/provider-aws/lib/cloudwatch-event-rule";
import { CloudwatchEventTarget } from "@cdktf/provider-aws/lib/cloudwatch-event-target";
import { LambdaFunction } from "@cdktf/provider-aws/lib/lambda-function";
import { LambdaPermission } from "@cdktf/provider-aws/lib/lambda-permission";

/** The schedule the original used: every 10 minutes. */
export const DEFAULT_SCHEDULE = "rate(10 minutes)";

/** Props of {@link ScheduleRule}. */
export interface ScheduleRuleProps {
  /** Name of the EventBridge rule. */
  readonly ruleName: string;
  /** The function to invoke. */
  readonly function: Pick<LambdaFunction, "functionName" | "arn">;
  /**
   * The function's name as plain text, for the description. The rule itself needs no function, so
   * it is not described with the `function.functionName` reference, which would make Terraform create
   * the rule only after the function; the target and the permission do need it and reference it.
   */
  readonly functionName: string;
  /** EventBridge schedule expression. @default "rate(10 minutes)" */
  readonly scheduleExpression?: string;
  /** What the rule is for. @default "Runs <functionName> on a schedule" */
  readonly description?: string;
  /**
   * Constant JSON fields the function receives as its event instead of the scheduled event, e.g.
   * `{ kind: "heartbeat" }`. The scheduled event's `id` and `time` are added (through an input
   * transformer) so the function can still tell a redelivered event from a new one.
   * @default undefined: the function receives the scheduled event itself
   */
  readonly input?: Readonly<Record<string, string | number | boolean>>;
}

/**
 * The original's Cloudwatch module: a scheduled EventBridge rule that invokes a function, and the
 * permission that lets only this rule invoke it.
 */
export class ScheduleRule extends Construct {
  /** The EventBridge rule. */
  public readonly rule: CloudwatchEventRule;

  constructor(scope: Construct, id: string, props: ScheduleRuleProps) {
    super(scope, id);
    this.rule = new CloudwatchEventRule(this, "rule", {
      name: props.ruleName,
      description: props.description ?? `Runs ${props.functionName} on a schedule`,
      scheduleExpression: props.scheduleExpression ?? DEFAULT_SCHEDULE,
    });

    new CloudwatchEventTarget(this, "target", {
      rule: this.rule.name,
      arn: props.function.arn,
      ...(props.input ? { inputTransformer: inputWithEventId(props.input) } : {}),
    });

    new LambdaPermission(this, "invoke-permission", {
      statementId: `AllowInvokeFrom-${props.ruleName}`,
      action: "lambda:InvokeFunction",
      functionName: props.function.functionName,
      principal: "events.amazonaws.com",
      sourceArn: this.rule.arn,
    });
  }
}

/**
 * An input transformer that delivers `input` plus the scheduled event's `id` and `time`. EventBridge
 * fills the `<id>` and `<time>` placeholders with JSON strings, quotes included.
 */
export function inputWithEventId(input: Readonly<Record<string, string | number | boolean>>): {
  inputPaths: Record<string, string>;
  inputTemplate: string;
} {
  const { id: _id, time: _time, ...constant } = input;
  const fields = Object.entries(constant).map(([key, value]) => `${JSON.stringify(key)}:${JSON.stringify(value)}`);
  return {
    inputPaths: { id: "$.id", time: "$.time" },
    inputTemplate: `{${[...fields, '"id":<id>', '"time":<time>'].join(",")}}`,
  };
}
