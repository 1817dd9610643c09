import { showProgressLine, type ProgressLineOptions, type ProgressStream } from "./progress-line";
import type { IAMClient } from "@aws-sdk/client-iam";

/** What a running scan has done so far, counted from the IAM responses. */
export interface ScanProgress {
  /** IAM requests answered. */
  readonly requests: number;
  /** Users found by ListUsers (or confirmed by GetUser for watched users). */
  readonly usersFound: number;
  /** Users whose keys are being or have been listed. */
  readonly usersScanned: number;
  /** Access keys found so far. */
  readonly keysFound: number;
}

/** One status line for a running scan (pure), such as `Scanning IAM: 42/160 users, 57 keys · 12s`. */
export function formatProgress(progress: ScanProgress, elapsedMs: number): string {
  const seconds = `${Math.floor(elapsedMs / 1000)}s`;
  if (progress.usersScanned > 0) {
    return (
      `Scanning IAM: ${progress.usersScanned}/${progress.usersFound} users, ` +
      `${progress.keysFound} ${progress.keysFound === 1 ? "key" : "keys"} · ${progress.requests} requests · ${seconds}`
    );
  }
  if (progress.usersFound > 0) return `Scanning IAM: listing users, ${progress.usersFound} so far · ${seconds}`;
  return `Scanning IAM: ${progress.requests} requests · ${seconds}`;
}

/** The progress after one more IAM response (pure): what the middleware below applies. */
export function countResponse(
  progress: ScanProgress,
  commandName: string,
  input: unknown,
  output: unknown,
): ScanProgress {
  const { Marker } = input as { Marker?: string };
  const { Users, UserDetailList, AccessKeyMetadata } = output as {
    Users?: unknown[];
    UserDetailList?: unknown[];
    AccessKeyMetadata?: unknown[];
  };
  const next = { ...progress, requests: progress.requests + 1 };
  switch (commandName) {
    case "ListUsersCommand":
      return { ...next, usersFound: next.usersFound + (Users?.length ?? 0) };
    case "GetUserCommand":
      return { ...next, usersFound: next.usersFound + 1 };
    // The credential-report scan lists users here, then reads only its candidates' keys.
    case "GetAccountAuthorizationDetailsCommand":
      return { ...next, usersFound: next.usersFound + (UserDetailList?.length ?? 0) };
    case "ListAccessKeysCommand":
      return {
        ...next,
        usersScanned: next.usersScanned + (Marker ? 0 : 1),
        keysFound: next.keysFound + (AccessKeyMetadata?.length ?? 0),
      };
    default:
      return next;
  }
}

export type { ProgressStream } from "./progress-line";

/**
 * Counts IAM responses on `iam` through an SDK middleware, so progress needs no hook in the
 * scanner: whatever strategy runs, its requests are seen here. Returns a snapshot function.
 */
export function trackScanProgress(iam: IAMClient): () => ScanProgress {
  let progress: ScanProgress = { requests: 0, usersFound: 0, usersScanned: 0, keysFound: 0 };
  iam.middlewareStack.add(
    (next, context) => async (args) => {
      const result = await next(args);
      progress = countResponse(progress, context.commandName ?? "", args.input, result.output);
      return result;
    },
    { step: "initialize", name: "keyAgeScanProgress" },
  );
  return () => progress;
}

/**
 * Redraws the scan's progress line on `stream` every `intervalMs`, starting only after `delayMs` so
 * quick scans print nothing. Call the returned function to stop and erase the line.
 */
export function showProgress(
  stream: ProgressStream,
  snapshot: () => ScanProgress,
  options: ProgressLineOptions = {},
): () => void {
  return showProgressLine(stream, (elapsedMs) => formatProgress(snapshot(), elapsedMs), options);
}
