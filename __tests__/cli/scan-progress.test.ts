import { countResponse, formatProgress, showProgress } from "../../cli/scan-progress";

describe("formatProgress", () => {
  it("shows the phase of the scan", () => {
    const none = { requests: 0, usersFound: 0, usersScanned: 0, keysFound: 0 };
    expect(formatProgress(none, 900)).toBe("Scanning IAM: 0 requests · 0s");
    expect(formatProgress({ ...none, requests: 2, usersFound: 1000 }, 2_100)).toBe(
      "Scanning IAM: listing users, 1000 so far · 2s",
    );
    expect(formatProgress({ requests: 90, usersFound: 160, usersScanned: 42, keysFound: 1 }, 12_000)).toBe(
      "Scanning IAM: 42/160 users, 1 key · 90 requests · 12s",
    );
  });
});

describe("countResponse", () => {
  const start = { requests: 0, usersFound: 0, usersScanned: 0, keysFound: 0 };

  it("counts users from either scan strategy, and keys once per user", () => {
    let progress = countResponse(start, "ListUsersCommand", {}, { Users: [{}, {}] });
    progress = countResponse(progress, "GetAccountAuthorizationDetailsCommand", {}, { UserDetailList: [{}, {}, {}] });
    progress = countResponse(progress, "ListAccessKeysCommand", {}, { AccessKeyMetadata: [{}] });
    progress = countResponse(progress, "ListAccessKeysCommand", { Marker: "2" }, { AccessKeyMetadata: [{}] });
    progress = countResponse(progress, "GetAccessKeyLastUsedCommand", {}, {});
    expect(progress).toEqual({ requests: 5, usersFound: 5, usersScanned: 1, keysFound: 2 });
  });
});

describe("showProgress", () => {
  beforeEach(() => jest.useFakeTimers());
  afterEach(() => jest.useRealTimers());

  it("stays silent for a quick scan", () => {
    const writes: string[] = [];
    const stop = showProgress({ write: (text) => writes.push(text) }, () => ({
      requests: 1,
      usersFound: 0,
      usersScanned: 0,
      keysFound: 0,
    }));
    jest.advanceTimersByTime(500);
    stop();
    expect(writes).toEqual([]);
  });

  it("redraws one line during a long scan and erases it at the end", () => {
    const writes: string[] = [];
    let requests = 0;
    const stop = showProgress(
      { write: (text) => writes.push(text) },
      () => ({ requests: (requests += 1), usersFound: 0, usersScanned: 0, keysFound: 0 }),
      {
        delayMs: 700,
        intervalMs: 200,
      },
    );
    jest.advanceTimersByTime(1_100);
    stop();
    expect(writes).toEqual([
      "\r\x1b[2KScanning IAM: 1 requests · 0s",
      "\r\x1b[2KScanning IAM: 2 requests · 0s",
      "\r\x1b[2KScanning IAM: 3 requests · 1s",
      "\r\x1b[2K",
    ]);
  });
});
