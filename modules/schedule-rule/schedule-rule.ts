import { Construct } from "constructs";
import { CloudwatchEventRule } from "@cdktf/provider-aws/lib/cloudwatch-event-rule";
import { CloudwatchEventTarget } from "@cdktf/provider-aws/lib/cloudwatch-event-target";
import { LambdaPermission } from "@cdktf/provider-aws/lib/lambda-permission";

/** The schedule the original used: every 10 minutes. */
export const DEFAULT_SCHEDULE = "rate(10 minutes)";

/** Props of {@link ScheduleRule}. */
export interface ScheduleRuleProps {
  /** Name of the EventBridge rule. */
  readonly ruleName: string;
  /** Name of the function to invoke (the Lambda module's output). */
  readonly functionName: string;
  /** ARN of the function to invoke (the Lambda module's output). */
  readonly functionArn: string;
  /** EventBridge schedule expression. @default "rate(10 minutes)" */
  readonly scheduleExpression?: string;
  /** What the rule is for. @default "Runs <functionName> on a schedule" */
  readonly description?: string;
  /** Tags applied to the rule. @default {} */
  readonly tags?: Readonly<Record<string, string>>;
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
      tags: { ...props.tags },
    });

    new CloudwatchEventTarget(this, "target", {
      rule: this.rule.name,
      arn: props.functionArn,
    });

    new LambdaPermission(this, "invoke-permission", {
      statementId: `AllowInvokeFrom-${props.ruleName}`,
      action: "lambda:InvokeFunction",
      functionName: props.functionName,
      principal: "events.amazonaws.com",
      sourceArn: this.rule.arn,
    });
  }
}
