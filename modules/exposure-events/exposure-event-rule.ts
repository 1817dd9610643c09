import { Construct } from "constructs";
import { CloudwatchEventRule } from "@cdktf/provider-aws/lib/cloudwatch-event-rule";
import { CloudwatchEventTarget } from "@cdktf/provider-aws/lib/cloudwatch-event-target";
import { LambdaFunction } from "@cdktf/provider-aws/lib/lambda-function";
import { LambdaPermission } from "@cdktf/provider-aws/lib/lambda-permission";
import { exposureEventPattern } from "./exposure-event-pattern";

/** Props of {@link ExposureEventRule}. */
export interface ExposureEventRuleProps {
  /** Name of the EventBridge rule. */
  readonly ruleName: string;
  /** The function that runs a scan for the event: the key-age function, or organization mode's dispatcher. */
  readonly function: Pick<LambdaFunction, "functionName" | "arn">;
  /**
   * The function's name as plain text, for the description: a `function.functionName` reference
   * would hold the rule back until the function exists (see ScheduleRule).
   */
  readonly functionName: string;
  /** What the rule is for. @default "Runs <functionName> at once when AWS Health reports an exposed access key" */
  readonly description?: string;
}

/**
 * Runs the function at once when AWS Health reports an exposed access key (`aws.health`, service
 * `RISK`, `AWS_RISK_CREDENTIALS_EXPOSED` and its two siblings), on the default bus of the stack's
 * region, with the permission that lets only this rule invoke it. The function receives the Health
 * event itself and names its keys as exposed in the same invocation.
 */
export class ExposureEventRule extends Construct {
  /** The EventBridge rule. */
  public readonly rule: CloudwatchEventRule;

  constructor(scope: Construct, id: string, props: ExposureEventRuleProps) {
    super(scope, id);
    this.rule = new CloudwatchEventRule(this, "rule", {
      name: props.ruleName,
      description:
        props.description ?? `Runs ${props.functionName} at once when AWS Health reports an exposed access key`,
      eventPattern: JSON.stringify(exposureEventPattern()),
    });
    new CloudwatchEventTarget(this, "target", { rule: this.rule.name, arn: props.function.arn });
    new LambdaPermission(this, "invoke-permission", {
      statementId: `AllowInvokeFrom-${props.ruleName}`,
      action: "lambda:InvokeFunction",
      functionName: props.function.functionName,
      principal: "events.amazonaws.com",
      sourceArn: this.rule.arn,
    });
  }
}
