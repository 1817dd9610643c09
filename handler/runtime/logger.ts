/** One structured log entry; the default writer prints it as a single JSON line. */
export type LogEntry = Readonly<Record<string, unknown>>;

/** Writes one JSON line per entry, bound context first. */
export interface Logger {
  info(message: string, fields?: LogEntry): void;
  warn(message: string, fields?: LogEntry): void;
  /** Pass the error through `errorFields` so every error line has the same shape. */
  error(message: string, fields?: LogEntry): void;
  /** A logger whose lines also carry `context` (such as the request id or the environment). */
  child(context: LogEntry): Logger;
}

/** Options of {@link createLogger}. */
export interface LoggerOptions {
  /** Fields on every line. @default {} */
  readonly context?: LogEntry;
  /** Where entries go. @default one JSON line on stdout, which Lambda sends to CloudWatch Logs */
  readonly write?: (entry: LogEntry) => void;
}

const writeJsonLine = (entry: LogEntry): void => console.log(JSON.stringify(entry));

/**
 * The one logger of the function and the CLI. Hand-written rather than Powertools Logger: the run
 * writes a few lines of one shape, the bundle has a 250 KB budget, and the run's summary line must
 * stay exactly the Embedded Metric Format record the alarms read, without extra keys or sampling.
 */
export function createLogger(options: LoggerOptions = {}): Logger {
  const context = options.context ?? {};
  const write = options.write ?? writeJsonLine;
  const line =
    (level: string) =>
    (message: string, fields: LogEntry = {}) =>
      write({ ...context, level, message, ...fields });
  return {
    info: line("info"),
    warn: line("warn"),
    error: line("error"),
    child: (more) => createLogger({ context: { ...context, ...more }, write }),
  };
}
