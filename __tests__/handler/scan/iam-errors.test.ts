import { IAMServiceException, NoSuchEntityException } from "@aws-sdk/client-iam";
import { hasIamErrorCode, isNoSuchEntity } from "../../../handler/scan/iam-errors";

describe("IAM error codes", () => {
  test("match the SDK's exception class and IAM's own code", () => {
    expect(isNoSuchEntity(new NoSuchEntityException({ message: "gone", $metadata: {} }))).toBe(true);
    expect(isNoSuchEntity(Object.assign(new Error("gone"), { name: "NoSuchEntity" }))).toBe(true);
    expect(isNoSuchEntity({ Code: "NoSuchEntity" })).toBe(true);
    expect(
      hasIamErrorCode(
        Object.assign(new Error("busy"), { name: "CredentialReportNotReadyException" }),
        "ReportInProgress",
      ),
    ).toBe(true);
  });

  test("do not match other errors", () => {
    const throttled = new IAMServiceException({
      name: "Throttling",
      $fault: "client",
      message: "slow down",
      $metadata: {},
    });
    expect(isNoSuchEntity(throttled)).toBe(false);
    expect(hasIamErrorCode(throttled, "LimitExceeded")).toBe(false);
    expect(isNoSuchEntity(undefined)).toBe(false);
  });
});
