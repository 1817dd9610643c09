import { describeError, errorFields } from "../../../handler/runtime/error-fields";
import {
  classifySecurityHubError,
  parseErrorResponse,
  SecurityHubError,
} from "../../../handler/security-hub/security-hub-error";

// Security Hub's error answers read as the SDK's REST-JSON protocol reads them, so the run's log lines
// name the same errors as before (describeError, errorFields).
const headers = (values: Record<string, string> = {}) => new Headers(values);

test("the code comes from x-amzn-errortype, cut to the bare name; the message from the body", () => {
  const error = parseErrorResponse(
    403,
    headers({ "x-amzn-errortype": "AccessDeniedException:http://internal.amazon.com/coral/com.amazon.coral/" }),
    JSON.stringify({ message: "User is not authorized to perform: securityhub:BatchImportFindings" }),
  );
  expect(error).toBeInstanceOf(SecurityHubError);
  expect(error).toBeInstanceOf(Error);
  expect(error).toMatchObject({ name: "AccessDeniedException", $metadata: { httpStatusCode: 403 }, $fault: "client" });
  expect(describeError(error)).toBe(
    "AccessDeniedException: User is not authorized to perform: securityhub:BatchImportFindings",
  );
  expect(errorFields(error)).toEqual({
    errorName: "AccessDeniedException",
    error: "User is not authorized to perform: securityhub:BatchImportFindings",
  });
});

test("without the header, the body's __type (namespace dropped) or code; Message with a capital M too", () => {
  expect(
    parseErrorResponse(
      401,
      headers(),
      JSON.stringify({ __type: "com.amazonaws.securityhub#InvalidAccessException", Message: "not subscribed" }),
    ),
  ).toMatchObject({ name: "InvalidAccessException", message: "not subscribed", $metadata: { httpStatusCode: 401 } });
  expect(
    parseErrorResponse(429, headers(), JSON.stringify({ code: "LimitExceededException", message: "Rate" })),
  ).toMatchObject({ name: "LimitExceededException", message: "Rate" });
});

test("an answer that is not Security Hub's gets UnknownError, the status and the start of the text", () => {
  const error = parseErrorResponse(502, headers(), "<html>Bad Gateway</html>");
  expect(error).toMatchObject({ name: "UnknownError", $metadata: { httpStatusCode: 502 }, $fault: "server" });
  expect(error.message).toBe("HTTP 502: <html>Bad Gateway</html>");
  expect(parseErrorResponse(500, headers(), "").message).toBe("HTTP 500");
});

test("the request id and Retry-After are kept", () => {
  const error = parseErrorResponse(
    429,
    headers({ "x-amzn-requestid": "req-1", "retry-after": "3", "x-amzn-errortype": "TooManyRequestsException" }),
    "{}",
  );
  expect(error.$metadata.requestId).toBe("req-1");
  expect((error.retryAfter?.getTime() ?? 0) - Date.now()).toBeGreaterThan(2_000);
  expect(classifySecurityHubError(error)).toEqual({ errorType: "THROTTLING", retryAfterHint: error.retryAfter });
});

test.each([
  [new SecurityHubError("Anything", "m", 429), "THROTTLING"],
  [new SecurityHubError("LimitExceededException", "m", 400), "THROTTLING"],
  [new SecurityHubError("ThrottlingException", "m", 400), "THROTTLING"],
  [new SecurityHubError("TooManyRequestsException", "m", 400), "THROTTLING"],
  [new SecurityHubError("InternalException", "m", 500), "TRANSIENT"],
  [new SecurityHubError("ServiceUnavailableException", "m", 503), "TRANSIENT"],
  [new SecurityHubError("UnknownError", "m", 501), "SERVER_ERROR"],
  [new SecurityHubError("AccessDeniedException", "m", 403), "CLIENT_ERROR"],
  [new TypeError("fetch failed"), "TRANSIENT"],
  [Object.assign(new Error("timed out"), { name: "TimeoutError" }), "TRANSIENT"],
  [new SyntaxError("Unexpected token"), "CLIENT_ERROR"],
  ["not an error", "CLIENT_ERROR"],
])("%p is %s", (error, type) => {
  expect(classifySecurityHubError(error).errorType).toBe(type);
});
