// Plays the part of the Lambda nodejs runtime for the bundled handler: one process is one container.
// It loads the bundle once, then calls `handler(event, context)` for each planned invocation, the way
// the runtime does, and writes each outcome (result or error) and its peak memory to a JSON file.
//
// The plan may shift this container's clock (`clockOffsetMs`) to play "the function runs N days
// later": IAM (moto) stamps keys with the real time, and the handler reads time only through Date.
// The handler itself gets no test switch: it runs exactly as deployed.
"use strict";
const fs = require("node:fs");

const [bundlePath, planPath, resultPath] = process.argv.slice(2);
const plan = JSON.parse(fs.readFileSync(planPath, "utf8"));

if (plan.clockOffsetMs) {
  const RealDate = Date;
  const offset = plan.clockOffsetMs;
  class ShiftedDate extends RealDate {
    constructor(...args) {
      if (args.length === 0) super(RealDate.now() + offset);
      else super(...args);
    }
    static now() {
      return RealDate.now() + offset;
    }
  }
  globalThis.Date = ShiftedDate;
}

const FUNCTION_ARN = "arn:aws:lambda:us-east-1:123456789012:function:key-age-monitor-test";

async function main() {
  // The function's configured handler, `index.<export>`: the same bundle serves every entry point.
  const handler = require(bundlePath)[plan.handlerName ?? "handler"];
  const outcomes = [];
  for (let i = 0; i < plan.invocations; i += 1) {
    // The invocation's time limit: the deployed function's default timeout (300 s, KeyAgeFunction), so a
    // busy machine's slow moto does not stop a scan that Lambda would let finish; a plan may shorten it
    // to exercise the scan's time budget.
    const deadline = Date.now() + (plan.remainingTimeMs || 300_000);
    const context = {
      callbackWaitsForEmptyEventLoop: true,
      functionName: "key-age-monitor-test",
      functionVersion: "$LATEST",
      invokedFunctionArn: FUNCTION_ARN,
      memoryLimitInMB: "256",
      awsRequestId: `request-${i + 1}`,
      logGroupName: "/aws/lambda/key-age-monitor-test",
      logStreamName: "test",
      getRemainingTimeInMillis: () => Math.max(0, deadline - Date.now()),
    };
    // The plan may give the events (a heartbeat input, or ids that differ between containers).
    const event = (plan.events && plan.events[i]) || {
      version: "0",
      id: `event-${i + 1}`,
      "detail-type": "Scheduled Event",
      source: "aws.events",
      account: "123456789012",
      time: new Date().toISOString(),
      region: "us-east-1",
      resources: ["arn:aws:events:us-east-1:123456789012:rule/key-age-monitor-test"],
      detail: {},
    };
    // Wall time of the invocation, on the real clock: what Lambda bills and holds against the timeout.
    const started = performance.now();
    try {
      const result = await handler(event, context);
      outcomes.push({ ok: true, result, durationMs: performance.now() - started });
    } catch (error) {
      outcomes.push({
        ok: false,
        errorName: error && error.name,
        errorMessage: error && error.message,
        durationMs: performance.now() - started,
      });
    }
  }
  // The container's peak resident memory, what Lambda reports as "Max Memory Used" (maxRSS is in KiB).
  fs.writeFileSync(resultPath, JSON.stringify({ outcomes, maxRssBytes: process.resourceUsage().maxRSS * 1024 }));
}

main().catch((error) => {
  console.error(error);
  process.exitCode = 1;
});
