import { type AlertRecord, type StateChange } from "../alerts/alert-transitions";
import type { MonitorConfig } from "../runtime/config/config";
import { type Logger } from "../runtime/logger";
import type { ScanResult } from "../scan/inventory";
import { type RenderDigestOptions } from "../slack/render-digest";
import type { RunTrigger } from "../runtime/run-trigger";
import { type TagNoteChange, type TagProblemNote } from "../alerts/tag-problem-notes";
import type { SlackMessage } from "../slack/slack-message";
import type { SlackAppSession } from "../slack/slack-app";
import { type EnforcementDeps } from "../enforcement/run-enforcement";
import type { SecurityHubDeps } from "./export-findings-stage";
import type { KeyUsageDeps } from "./usage-stage";

/** The stages {@link runMonitor} wires together; its functions do all the I/O, runMonitor only decides. */
export interface RunMonitorDeps {
  /** The validated configuration. */
  readonly config: MonitorConfig;
  /**
   * Scans the account (the per-user API walk or the credential-report scan, see select-scanner.ts),
   * checking `checkFirst` (the users the last run could not check) before the others, and the owners
   * of `exposedKeyIds` (keys an AWS Health exposure event named) whatever the watch list says.
   */
  readonly scan: (run: {
    readonly checkFirst: readonly string[];
    readonly exposedKeyIds?: readonly string[];
  }) => Promise<ScanResult>;
  /** Resolves the account id shown in the digest. */
  readonly accountId: () => Promise<string>;
  /** Resolves the webhook URL. @default undefined: only allowed for a dry run */
  readonly webhookUrl?: () => Promise<string>;
  /** Posts the messages; resolves with how many were posted. */
  readonly deliver: (messages: readonly SlackMessage[], webhookUrl: string) => Promise<{ messagesPosted: number }>;
  /** The clock. @default () => new Date() */
  readonly now?: () => Date;
  /** The logger, with the invocation's context (request id) bound. @default JSON lines on stdout, no context */
  readonly logger?: Logger;
  /** Digest layout budgets. @default renderDigest's defaults */
  readonly renderOptions?: RenderDigestOptions;
  /**
   * The alert state (`ALERT_STATE_TABLE`): with it only changes, reminders and resolutions are
   * posted, and a change is recorded only once Slack accepted it. @default undefined: stateless
   */
  readonly alertState?: {
    readonly load: () => Promise<readonly AlertRecord[]>;
    readonly apply: (changes: readonly StateChange[]) => Promise<void>;
    /**
     * The announced tag problems: with them a tag problem is announced once (and when it changes),
     * even when no key needs attention. @default undefined: tag problems only ride along with a digest
     */
    readonly loadTagNotes?: () => Promise<readonly TagProblemNote[]>;
    readonly applyTagNotes?: (changes: readonly TagNoteChange[]) => Promise<void>;
  };
  /**
   * Where the users a run could not check are kept for the next run (the alert-state table, or the
   * warm container). @default undefined: every run starts in listing order
   */
  readonly uncheckedUsers?: {
    readonly load: () => Promise<readonly string[]>;
    readonly save: (users: readonly string[], now: Date) => Promise<void>;
  };
  /** What started the run (event id, heartbeat). @default a plain run without an event id */
  readonly trigger?: RunTrigger;
  /** Staged deactivation (`ENFORCEMENT` `dry-run` or `armed`). @default undefined: enforcement off */
  readonly enforcement?: EnforcementDeps;
  /**
   * The Slack app, instead of `webhookUrl`: the digest goes to its channel, and key owners with an
   * email address in `key-age:owner` are told directly. @default undefined: the webhook
   */
  readonly slackApp?: () => Promise<SlackAppSession>;
  /**
   * The Security Hub export (`SECURITY_HUB=on`): after the digest and enforcement, one finding per
   * flagged key in the account that owns it; skipped in a dry run. @default undefined: off
   */
  readonly securityHub?: SecurityHubDeps;
  /**
   * The usage summary (`KEY_USAGE=on`): after the digest, a usage line for each key the enforcement
   * message and the owners' messages name; skipped in a dry run. @default undefined: off
   */
  readonly keyUsage?: KeyUsageDeps;
}
