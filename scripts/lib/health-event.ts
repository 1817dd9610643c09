/** Options of {@link healthExposureEvent}. */
export interface HealthExposureEventOptions {
  /** The keys AWS found in public (`affectedEntities`). */
  readonly accessKeyIds: readonly string[];
  /** The account the event is about. @default "123456789012", moto's default account */
  readonly account?: string;
  /** The event's id. @default `health-<account>` */
  readonly id?: string;
}

/**
 * The event an EventBridge rule for AWS Health exposure events hands its target (moto has no Health,
 * so the demo and the tests hand it to the function themselves), shaped as AWS sends it.
 */
export function healthExposureEvent(options: HealthExposureEventOptions): Record<string, unknown> {
  const account = options.account ?? "123456789012";
  return {
    version: "0",
    id: options.id ?? `health-${account}`,
    "detail-type": "AWS Health Event",
    source: "aws.health",
    account,
    time: new Date().toISOString(),
    region: "us-east-1",
    resources: [],
    detail: {
      eventArn: "arn:aws:health:global::event/RISK/AWS_RISK_CREDENTIALS_EXPOSED/AWS_RISK_CREDENTIALS_EXPOSED_0001",
      service: "RISK",
      eventTypeCode: "AWS_RISK_CREDENTIALS_EXPOSED",
      eventTypeCategory: "issue",
      eventScopeCode: "ACCOUNT_SPECIFIC",
      eventDescription: [{ language: "en_US", latestDescription: "Your access key was found in a public repository." }],
      affectedEntities: options.accessKeyIds.map((entityValue) => ({ entityValue })),
    },
  };
}
