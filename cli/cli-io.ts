import type { CliCommand } from "./cli-options";

/** Exit codes of `key-age`. */
export const EXIT_CODES = {
  /** The scan finished, no key is exposed and no key met `--fail-on`. */
  ok: 0,
  /** A key is exposed, or at or above the `--fail-on` status. */
  failOnMet: 1,
  /** Bad flags or configuration. */
  usage: 2,
  /** The scan, the webhook lookup or the Slack delivery failed. */
  failure: 3,
} as const;

/** A stream the CLI writes to; `isTTY` decides colour (stdout) and progress (stderr). */
export interface OutputStream {
  write(text: string): unknown;
  readonly isTTY?: boolean;
}

/** The process as the CLI sees it; tests pass their own. AWS clients still read `process.env`. */
export interface CliIo {
  /** Arguments after the program name. */
  readonly argv: readonly string[];
  /** The configuration variables (WARNING_AGE, SLACK_WEBHOOK_URL, …). */
  readonly env: Readonly<Record<string, string | undefined>>;
  readonly stdout: OutputStream;
  readonly stderr: OutputStream;
  /** The clock. @default () => new Date() */
  readonly now?: () => Date;
}

/** The parsed `key-age scan` command. */
export type ScanCommand = Extract<CliCommand, { kind: "scan" }>;
