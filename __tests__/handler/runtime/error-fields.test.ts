import { describeError, errorChain, errorFields } from "../../../handler/runtime/error-fields";

class ScanError extends Error {
  override name = "ScanError";
}

describe("errorFields", () => {
  it("names the error and quotes its message", () => {
    expect(errorFields(new ScanError("ListUsers failed"))).toEqual({
      errorName: "ScanError",
      error: "ListUsers failed",
    });
  });

  it("follows the cause chain, outermost first", () => {
    const root = Object.assign(new Error("Rate exceeded"), { name: "ThrottlingException" });
    const error = new ScanError("ListUsers failed", { cause: new Error("retries exhausted", { cause: root }) });
    expect(errorFields(error)).toEqual({
      errorName: "ScanError",
      error: "ListUsers failed",
      errorCauses: ["Error: retries exhausted", "ThrottlingException: Rate exceeded"],
    });
  });

  it("describes a thrown non-error as an Error with its text", () => {
    expect(errorFields("plain text")).toEqual({ errorName: "Error", error: "plain text" });
    expect(errorFields(undefined)).toEqual({ errorName: "Error", error: "undefined" });
  });

  it("redacts the message and every cause", () => {
    const url = "https://hooks.slack.com/services/T/B/secret";
    const error = new Error(`POST ${url} failed`, { cause: new Error(`fetch ${url}: ECONNRESET`) });
    const fields = errorFields(error, (text) => text.replaceAll(url, "<webhook>"));
    expect(fields).toEqual({
      errorName: "Error",
      error: "POST <webhook> failed",
      errorCauses: ["Error: fetch <webhook>: ECONNRESET"],
    });
    expect(JSON.stringify(fields)).not.toContain("secret");
  });
});

describe("errorChain", () => {
  it("stops after four links, so a cyclic cause cannot loop", () => {
    const a = new Error("a");
    const b = new Error("b", { cause: a });
    a.cause = b;
    expect(errorChain(b).map((link) => link.message)).toEqual(["b", "a", "b", "a"]);
  });
});

describe("describeError", () => {
  it("is `Name: message` for an error and the bare text for anything else", () => {
    expect(describeError(new ScanError("boom", { cause: new Error("inner") }))).toBe("ScanError: boom");
    expect(describeError("boom")).toBe("boom");
  });
});
