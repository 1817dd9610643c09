import type { KeyFinding } from "../scan/classify";
import type { EnforcementRecord, EnforcementState, EnforcementStretch } from "./enforcement-record";
import { formatDuration } from "../runtime/duration";
import { errorFields } from "../runtime/error-fields";
import type { Logger } from "../runtime/logger";
import { maskAccessKeyId } from "../runtime/mask";
import { planEnforcement } from "./plan-enforcement";
import type {
  ActiveEnforcement,
  DeactivationOutcome,
  DueKey,
  EnforcementEvent,
  EnforcementPlan,
  EnforcementSummary,
} from "./enforcement-events";
import {
  deactivationEvents,
  deactivationRecord,
  enforcementChanges,
  intentRecord,
  recordOf,
} from "./enforcement-changes";
import { renderEnforcement, restoreCommand } from "./render-enforcement";
import type { SlackMessage } from "../slack/slack-message";
import type { DeactivationRecorder } from "./deactivate-keys";

/** The I/O enforcement needs; given to the run only when `ENFORCEMENT` is `dry-run` or `armed`. */
export interface EnforcementDeps {
  /** The settings. */
  readonly settings: ActiveEnforcement;
  /** Reads the enforcement records and the stretch of the alert state. */
  readonly load: () => Promise<EnforcementState>;
  /** Writes enforcement records. */
  readonly put: (records: readonly EnforcementRecord[]) => Promise<void>;
  /** Writes the account's enforcement stretch. */
  readonly putStretch: (stretch: EnforcementStretch) => Promise<void>;
  /**
   * Re-checks and deactivates the keys (armed only), one at a time, with the state writes of
   * `run` around each IAM call, starting none once `run.stopStarting()` is true.
   */
  readonly deactivate: (
    due: readonly DueKey[],
    run: DeactivationRecorder & { readonly stopStarting: () => boolean },
  ) => Promise<readonly DeactivationOutcome[]>;
  /**
   * True once too little of the invocation is left to start another deactivation (and still record
   * and announce it). @default never
   */
  readonly stopStarting?: () => boolean;
}

/** Inputs of {@link enforce} besides its deps. */
export interface EnforceInput {
  /** The plan of this run (see {@link planEnforcementFor}). */
  readonly plan: EnforcementPlan;
  /** The run's time. */
  readonly now: Date;
  /** The account id for the message header. */
  readonly accountId: string;
  /** The environment label. @default undefined */
  readonly environmentName?: string;
  /** Posts one message, or undefined when the payload is only logged (`DRY_RUN=true`): nothing then counts as notice. */
  readonly deliver?: (message: SlackMessage) => Promise<void>;
  /** The run's logger. */
  readonly logger: Logger;
  /** `KEY_USAGE=on`: the keys' usage lines for the message. @default undefined: no lines */
  readonly usageLines?: ReadonlyMap<string, string>;
}

/** This run's enforcement plan from the loaded state (pure; see ./plan-enforcement.ts). */
export function planEnforcementFor(
  deps: EnforcementDeps,
  findings: readonly KeyFinding[],
  state: EnforcementState,
  now: Date,
  remindEveryMs: number,
  scanIncomplete = false,
): EnforcementPlan {
  return planEnforcement({
    findings,
    records: state.records,
    ...(state.stretch ? { stretch: state.stretch } : {}),
    enforcement: deps.settings,
    now,
    remindEveryMs,
    scanIncomplete,
  });
}

/**
 * Carries out a plan. Write ahead: first the stretch and the lapsed notices, then per key the intent
 * before `UpdateAccessKey` and the outcome after it (see deactivate-keys.ts). Every deactivation is
 * logged as an audit line and announced with its restore command, even when its record could not be
 * written. The messages go out one by one; the notices and announcements of those Slack accepted are
 * recorded (also when a later message fails). Without a way to post (`DRY_RUN=true`) nothing is
 * deactivated or written.
 */
export async function enforce(deps: EnforcementDeps, input: EnforceInput): Promise<EnforcementSummary> {
  const { plan, now, logger, deliver } = input;
  if (deliver) {
    await deps.putStretch(plan.stretch);
    if (plan.silentChanges.length > 0) await deps.put(plan.silentChanges);
  } else if (plan.toDeactivate.length > 0) {
    logger.warn("due access keys not deactivated: the Slack payload is only logged (DRY_RUN)", {
      keys: keyNames(plan.toDeactivate),
    });
  }
  const outcomes =
    plan.toDeactivate.length > 0 && deliver
      ? await deps.deactivate(plan.toDeactivate, {
          recordIntent: (key) => deps.put([intentRecord(key, now)]),
          recordDeactivation: (key) => deps.put([deactivationRecord(key, now)]),
          withdrawIntent: (key) => deps.put([recordOf(key.finding, key.record, now)]),
          stopStarting: deps.stopStarting ?? (() => false),
        })
      : [];
  const done = deactivationEvents(plan.toDeactivate, outcomes, now);
  logOutcomes(plan, done, deps.settings, now, logger);

  const messages = renderEnforcement({
    events: [...plan.events, ...done],
    mode: deps.settings.mode,
    accountId: input.accountId,
    ...(input.environmentName ? { environmentName: input.environmentName } : {}),
    now,
    ...(input.usageLines ? { usageLines: input.usageLines } : {}),
  });
  const accepted: EnforcementEvent[] = [];
  let messagesPosted = 0;
  if (deliver) {
    try {
      for (const { message, named } of messages) {
        await deliver(message);
        messagesPosted += 1;
        accepted.push(...named);
      }
    } catch (error) {
      await deps
        .put(enforcementChanges(accepted))
        .catch((recordError: unknown) =>
          logger.warn(
            "could not record the enforcement entries Slack accepted before the failure",
            errorFields(recordError),
          ),
        );
      throw error;
    }
    await deps.put(enforcementChanges(accepted));
  } else {
    for (const [index, { message }] of messages.entries()) {
      logger.info("dry run: enforcement payload not posted", {
        part: `${index + 1}/${messages.length}`,
        payload: message,
      });
    }
  }
  const deactivated = done.filter((event) => event.kind === "deactivated");
  return {
    mode: deps.settings.mode,
    due: plan.due.length,
    deactivated: deactivated.length,
    wouldDeactivate:
      deps.settings.mode === "dry-run" && !plan.braked && !plan.heldForIncompleteScan ? plan.due.length : 0,
    braked: plan.braked,
    eventsAnnounced: accepted.length,
    messagesPosted,
    leftAlone: done.length - deactivated.length,
    unrecorded: deactivated.filter((event) => event.kind === "deactivated" && event.recordFailed).length,
  };
}

/** One audit line per deactivation (and per failed record of one), one line per key left alone, the brake. */
function logOutcomes(
  plan: EnforcementPlan,
  done: readonly EnforcementEvent[],
  settings: ActiveEnforcement,
  now: Date,
  logger: Logger,
): void {
  for (const event of done) {
    if (event.kind === "deactivated") {
      logger.warn("access key deactivated", auditFields(event.finding, event.setting, now));
      if (event.recordFailed) {
        logger.error("could not record an access key's deactivation; it is announced all the same", {
          ...auditFields(event.finding, event.setting, now),
          error: event.recordFailed,
        });
      }
    } else if (event.kind === "left-alone") {
      logger.info("due access key left alone", {
        userName: event.finding.userName,
        accessKeyId: maskAccessKeyId(event.finding.accessKeyId),
        reason: event.reason,
      });
    }
  }
  for (const event of plan.events) {
    if (event.kind === "would-deactivate") {
      logger.info("dry run: access key would be deactivated", auditFields(event.finding, event.setting, now));
    }
  }
  if (plan.heldForIncompleteScan && !plan.braked) {
    logger.warn("due access keys not deactivated: the scan left users unchecked, so the brake could not count", {
      keys: keyNames(plan.due),
    });
  }
  if (plan.braked) {
    logger.warn(`enforcement brake engaged: ${plan.due.length} keys due`, {
      maxDeactivationsPerDay: settings.maxPerDay,
      deactivatedInLast24Hours: plan.inWindow,
      keys: keyNames(plan.due),
    });
  }
}

function keyNames(keys: readonly DueKey[]): string[] {
  return keys.map((key) => `${key.finding.userName}/${maskAccessKeyId(key.finding.accessKeyId)}`);
}

function auditFields(finding: KeyFinding, setting: string, now: Date): Record<string, unknown> {
  return {
    userName: finding.userName,
    accessKeyId: maskAccessKeyId(finding.accessKeyId),
    // Only keys with a creation date are ever deactivated (the root user's never).
    age: formatDuration(now.getTime() - (finding.createDate ?? now).getTime()),
    createDate: finding.createDate?.toISOString(),
    setting,
    restoreCommand: restoreCommand(finding.userName, finding.accessKeyId),
  };
}
