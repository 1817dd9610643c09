/** A terminal stream, as far as a progress line needs one. */
export interface ProgressStream {
  write(text: string): unknown;
}

/** When a progress line appears and how often it is redrawn. */
export interface ProgressLineOptions {
  /** Nothing is drawn before this, so quick commands print nothing. @default 700 */
  readonly delayMs?: number;
  /** Redraw period. @default 200 */
  readonly intervalMs?: number;
}

/**
 * Redraws one status line on `stream` (`line` gets the time since the start), beginning after
 * `delayMs`; the returned function stops and erases it. The scan's and the usage lookup's progress
 * both draw through it.
 */
export function showProgressLine(
  stream: ProgressStream,
  line: (elapsedMs: number) => string,
  options: ProgressLineOptions = {},
): () => void {
  const startedAt = Date.now();
  let drawn = false;
  const draw = (): void => {
    stream.write(`\r\x1b[2K${line(Date.now() - startedAt)}`);
    drawn = true;
  };
  let interval: NodeJS.Timeout | undefined;
  const delay = setTimeout(() => {
    draw();
    interval = setInterval(draw, options.intervalMs ?? 200);
    interval.unref();
  }, options.delayMs ?? 700);
  delay.unref();
  return () => {
    clearTimeout(delay);
    if (interval) clearInterval(interval);
    if (drawn) stream.write("\r\x1b[2K");
  };
}
