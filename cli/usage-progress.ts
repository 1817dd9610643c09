import type { LookupProgress } from "../handler/usage/lookup-key-events";
import { showProgressLine, type ProgressLineOptions, type ProgressStream } from "./progress-line";

export type { ProgressStream as LookupProgressStream } from "./progress-line";

/** One status line for a running lookup (pure), such as `CloudTrail: 3/17 regions, 1,234 events · 40 requests · 12s`. */
export function formatLookupProgress(progress: LookupProgress, elapsedMs: number): string {
  const throttled = progress.throttled > 0 ? ` (${progress.throttled} throttled)` : "";
  return (
    `CloudTrail LookupEvents: ${progress.regionsDone}/${progress.regionsTotal} regions, ` +
    `${progress.events.toLocaleString("en-US")} ${progress.events === 1 ? "event" : "events"} · ` +
    `${progress.requests} ${progress.requests === 1 ? "request" : "requests"}${throttled} · ${Math.floor(elapsedMs / 1000)}s`
  );
}

/**
 * Redraws the lookup's progress line on `stream` every `intervalMs` (250 ms by default), starting
 * after `delayMs` so a quick lookup prints nothing. Call the returned function to stop and erase it.
 */
export function showLookupProgress(
  stream: ProgressStream,
  snapshot: () => LookupProgress,
  options: ProgressLineOptions = {},
): () => void {
  return showProgressLine(stream, (elapsedMs) => formatLookupProgress(snapshot(), elapsedMs), {
    intervalMs: 250,
    ...options,
  });
}
