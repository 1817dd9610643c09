import { DynamoDBClient } from "@aws-sdk/client-dynamodb";
import { DynamoDBDocumentClient, PutCommand } from "@aws-sdk/lib-dynamodb";
import { mockClient } from "aws-sdk-client-mock";
import { isSkippedRun, LeaseHeldError, withAccountLease } from "../../../handler/monitor/leased-run";
import { createLogger } from "../../../handler/runtime/logger";

const documentMock = mockClient(DynamoDBDocumentClient);
const client = DynamoDBDocumentClient.from(new DynamoDBClient({ region: "eu-west-1" }));
const state = { client, tableName: "state" };
const logger = createLogger({ write: () => undefined });

beforeEach(() => {
  documentMock.reset();
  documentMock.on(PutCommand).rejects(
    Object.assign(new Error("The conditional request failed"), {
      name: "ConditionalCheckFailedException",
      Item: { holder: { S: "request-1 (event tick)" }, leaseUntil: { N: String(Date.now() + 60_000) } },
    }),
  );
});

it("a run that finds its account held returns as skipped, without running", async () => {
  const run = jest.fn(async () => "ran");
  const result = await withAccountLease({ state, accountId: "111122223333", holder: "request-2", logger }, run);
  expect(isSkippedRun(result)).toBe(true);
  expect(run).not.toHaveBeenCalled();
});

it("a run that carries an exposure event (mustRun) fails instead, naming the holder, so the event comes again", async () => {
  const run = jest.fn(async () => "ran");
  const leased = withAccountLease(
    { state, accountId: "111122223333", holder: "request-2", mustRun: true, logger },
    run,
  );
  await expect(leased).rejects.toThrow(LeaseHeldError);
  await expect(leased).rejects.toThrow("request-1 (event tick)");
  expect(run).not.toHaveBeenCalled();
});
