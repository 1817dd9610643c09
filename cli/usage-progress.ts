import type { LookupProgress } from "../handler/usage/lookup-key-events";

/** One status line for a running lookup (pure), such as `CloudTrail: 3/17 regions, 1,234 events · 40 requests · 12s`. */
export function formatLookupProgress(progress: LookupProgress, elapsedMs: number): string {
  const throttled = progress.throttled > 0 ? ` (${progress.throttled} throttled)` : "";
  return (
    `CloudTrail LookupEvents: ${progress.regionsDone}/${progress.regionsTotal} regions, ` +
    `${progress.events.toLocaleString("en-US")} ${progress.events === 1 ? "event" : "events"} · ` +
    `${progress.requests} ${progress.requests === 1 ? "request" : "requests"}${throttled} · ${Math.floor(elapsedMs / 1000)}s`
  );
}

/** A terminal stream, as far as the progress line needs one. */
export interface LookupProgressStream {
  write(text: string): unknown;
}

/**
 * Redraws the progress line on `stream` every `intervalMs`, starting after `delayMs` so a quick
 * lookup prints nothing. Call the returned function to stop and erase the line.
 */
export function showLookupProgress(
  stream: LookupProgressStream,
  snapshot: () => LookupProgress,
  options: { readonly delayMs?: number; readonly intervalMs?: number } = {},
): () => void {
  const startedAt = Date.now();
  let drawn = false;
  const draw = (): void => {
    stream.write(`\r\x1b[2K${formatLookupProgress(snapshot(), Date.now() - startedAt)}`);
    drawn = true;
  };
  let interval: NodeJS.Timeout | undefined;
  const delay = setTimeout(() => {
    draw();
    interval = setInterval(draw, options.intervalMs ?? 250);
    interval.unref();
  }, options.delayMs ?? 700);
  delay.unref();
  return () => {
    clearTimeout(delay);
    if (interval) clearInterval(interval);
    if (drawn) stream.write("\r\x1b[2K");
  };
}
