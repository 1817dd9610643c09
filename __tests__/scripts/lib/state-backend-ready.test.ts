import { DescribeTableCommand, DynamoDBClient, ResourceNotFoundException } from "@aws-sdk/client-dynamodb";
import { HeadBucketCommand, NotFound, S3Client } from "@aws-sdk/client-s3";
import { mockClient } from "aws-sdk-client-mock";
import { waitForStateBackend } from "../../../scripts/lib/state-backend-ready";

const s3 = mockClient(S3Client);
const dynamodb = mockClient(DynamoDBClient);
const aws = {
  endpoint: "http://127.0.0.1:1",
  region: "eu-west-1",
  credentials: { accessKeyId: "a", secretAccessKey: "b" },
};
const names = { bucket: "state", lockTable: "lock", pollMs: 1 };
const notFound = () => new NotFound({ message: "Not Found", $metadata: {} });
const noTable = () => new ResourceNotFoundException({ message: "no table", $metadata: {} });

beforeEach(() => {
  s3.reset();
  dynamodb.reset();
});

describe("waitForStateBackend", () => {
  test("resolves once the bucket exists and the lock table is active, while the bootstrap still runs", async () => {
    s3.on(HeadBucketCommand).rejectsOnce(notFound()).resolves({});
    dynamodb
      .on(DescribeTableCommand)
      .rejectsOnce(noTable())
      .resolvesOnce({ Table: { TableStatus: "CREATING" } })
      .resolves({ Table: { TableStatus: "ACTIVE" } });
    const running = new Promise<void>(() => {});
    await expect(waitForStateBackend(aws, { ...names, bootstrap: running })).resolves.toBeUndefined();
    expect(dynamodb.commandCalls(DescribeTableCommand).length).toBe(3);
  });

  test("fails with the bootstrap's own error when the bootstrap fails first", async () => {
    s3.on(HeadBucketCommand).rejects(notFound());
    const failed = Promise.reject(new Error("terraform apply failed"));
    await expect(waitForStateBackend(aws, { ...names, bootstrap: failed })).rejects.toThrow("terraform apply failed");
  });

  test("fails when the bootstrap finished without them, and on an unexpected error", async () => {
    s3.on(HeadBucketCommand).rejects(notFound());
    await expect(waitForStateBackend(aws, { ...names, bootstrap: Promise.resolve() })).rejects.toThrow(
      "the bootstrap finished, but state or lock is not there",
    );
    s3.on(HeadBucketCommand).rejects(new Error("AccessDenied"));
    await expect(waitForStateBackend(aws, { ...names, bootstrap: new Promise(() => {}) })).rejects.toThrow(
      "AccessDenied",
    );
  });

  test("gives up after its time bound", async () => {
    s3.on(HeadBucketCommand).rejects(notFound());
    await expect(
      waitForStateBackend(aws, { ...names, bootstrap: new Promise(() => {}), timeoutMs: 20 }),
    ).rejects.toThrow("state and lock did not appear within 0.02 s");
  });
});
