import type { Thresholds } from "./thresholds";
import { CONFIG_DEFAULTS } from "../runtime/config/config-defaults";
import { DURATION_FORMAT_HINT, parseDuration } from "../runtime/duration";

/** The IAM user tags the monitor reads. Keys match case-insensitively, as IAM treats them. */
export const USER_TAG_KEYS = {
  /** `YYYY-MM-DD`: the user's keys are not alerted before 00:00 UTC of that date. */
  exemptUntil: "key-age:exempt-until",
  /** A duration (`365d`): this user's warning age. */
  warningAge: "key-age:warning-age",
  /** A duration (`400d`): this user's critical age. */
  criticalAge: "key-age:critical-age",
  /**
   * Slack member IDs (`U…`, `W…`), user-group IDs (`S…`) and/or email addresses (direct messages
   * through the Slack app), separated by spaces.
   */
  owner: "key-age:owner",
  /** A duration (`180d`): this user's keys are deactivated at this age; only a later age than `DEACTIVATE_AGE` is honoured. */
  deactivateAge: "key-age:deactivate-age",
  /** `never`: this user's keys are never deactivated by the monitor (they are still alerted). */
  deactivate: "key-age:deactivate",
} as const;

/** What a user's `key-age:*` tags say; malformed values are left out and described in `problems`. */
export interface UserTagSettings {
  /** Alerts resume at this instant (00:00 UTC of the tag's date). @default undefined: no exemption */
  readonly exemptUntil?: Date;
  /** The exemption date as written (`2025-09-30`). @default undefined */
  readonly exemptUntilLabel?: string;
  /** This user's warning age. @default undefined: the global `WARNING_AGE` */
  readonly warningAgeMs?: number;
  /** This user's critical age. @default undefined: the global `CRITICAL_AGE` */
  readonly criticalAgeMs?: number;
  /** The age tags as written (`36h`), for messages. @default undefined */
  readonly ageLabels?: { readonly warningAge?: string; readonly criticalAge?: string };
  /** The owners as Slack mention markup (`<@U…>`, `<!subteam^S…>`). @default undefined: nobody */
  readonly owners?: readonly string[];
  /** This user's deactivation age, as written. @default undefined: the global `DEACTIVATE_AGE` */
  readonly deactivateAge?: { readonly ms: number; readonly label: string };
  /** True when `key-age:deactivate=never`. @default undefined */
  readonly deactivateNever?: true;
  /** The owners' email addresses, lowercased; the Slack app messages them directly. @default undefined: none */
  readonly ownerEmails?: readonly string[];
  /** One plain-text sentence per malformed tag, naming the tag and quoting its value. */
  readonly problems: readonly string[];
}

const DATE = /^(\d{4})-(\d{2})-(\d{2})$/;
const MEMBER_ID = /^[UW][A-Z0-9]{2,20}$/;
const GROUP_ID = /^S[A-Z0-9]{2,20}$/;
const EMAIL = /^[^@\s<>]+@[^@\s<>]+\.[^@\s<>]+$/;
// Tag values can be 256 characters; a problem note quotes at most this much of one.
const MAX_QUOTED_CHARS = 40;

/** The highest age a threshold tag may set, by default (`MAX_TAG_AGE`). */
export const DEFAULT_MAX_TAG_AGE = {
  ms: parseDuration(CONFIG_DEFAULTS.MAX_TAG_AGE),
  label: CONFIG_DEFAULTS.MAX_TAG_AGE,
};

/**
 * Owners a `key-age:owner` tag may name by default (`MAX_OWNERS_PER_KEY`): each email address costs a
 * lookup and a direct message against Slack's rate limits, so a tag listing dozens cannot starve a run.
 */
export const DEFAULT_MAX_OWNERS = Number(CONFIG_DEFAULTS.MAX_OWNERS_PER_KEY);

/** Options of {@link parseUserTags}. */
export interface ParseUserTagsOptions {
  /**
   * The highest age a `key-age:warning-age`, `critical-age` or `deactivate-age` tag may set
   * (`MAX_TAG_AGE`): whoever can tag a user must not silence its keys longer than an exemption could.
   * @default 400d
   */
  readonly maxTagAge?: { readonly ms: number; readonly label: string };
  /** Owners the owner tag may name; those beyond are a tag problem and ignored. @default DEFAULT_MAX_OWNERS */
  readonly maxOwners?: number;
}

/**
 * Reads the `key-age:*` tags of one user (pure; other tags are ignored). An age tag above
 * `maxTagAge` is a tag problem, and the default applies instead.
 */
export function parseUserTags(
  tags: Readonly<Record<string, string>> | undefined,
  options: ParseUserTagsOptions = {},
): UserTagSettings {
  const problems: string[] = [];
  const ceiling = options.maxTagAge ?? DEFAULT_MAX_TAG_AGE;
  const capped = (key: string, value: string, ms: number): boolean => {
    if (ms <= ceiling.ms) return false;
    problems.push(
      `${describeTag(key, value)} is ignored: it is above ${ceiling.label}, the highest age a tag may set ` +
        "(MAX_TAG_AGE), so the default applies",
    );
    return true;
  };
  const byKey = new Map<string, string>();
  for (const [key, value] of Object.entries(tags ?? {})) byKey.set(key.trim().toLowerCase(), value.trim());
  const settings: {
    exemptUntil?: Date;
    exemptUntilLabel?: string;
    warningAgeMs?: number;
    criticalAgeMs?: number;
    ageLabels?: { warningAge?: string; criticalAge?: string };
    owners?: string[];
    deactivateAge?: { ms: number; label: string };
    deactivateNever?: true;
    ownerEmails?: string[];
  } = {};

  const exempt = byKey.get(USER_TAG_KEYS.exemptUntil);
  if (exempt !== undefined) {
    const date = parseDate(exempt);
    if (date) {
      settings.exemptUntil = date;
      settings.exemptUntilLabel = exempt;
    } else {
      problems.push(
        `${describeTag(USER_TAG_KEYS.exemptUntil, exempt)} is not a date (YYYY-MM-DD), so the key is not exempt`,
      );
    }
  }

  for (const [field, key] of [
    ["warningAgeMs", USER_TAG_KEYS.warningAge],
    ["criticalAgeMs", USER_TAG_KEYS.criticalAge],
  ] as const) {
    const value = byKey.get(key);
    if (value === undefined) continue;
    try {
      const ms = parseDuration(value);
      if (capped(key, value, ms)) continue;
      settings[field] = ms;
      const label = field === "warningAgeMs" ? "warningAge" : "criticalAge";
      settings.ageLabels = { ...settings.ageLabels, [label]: value };
    } catch (error) {
      problems.push(`${describeTag(key, value)} is ignored: ${(error as Error).message}`);
    }
  }

  const owner = byKey.get(USER_TAG_KEYS.owner);
  if (owner !== undefined) {
    // Mentions and addresses, each once, in the tag's order.
    const named: string[] = [];
    const bad: string[] = [];
    for (const id of owner.split(/[\s,]+/).filter((token) => token !== "")) {
      const value = slackMention(id) ?? (EMAIL.test(id) ? id.toLowerCase() : undefined);
      if (value === undefined) bad.push(id);
      else if (!named.includes(value)) named.push(value);
    }
    if (bad.length > 0 || named.length === 0) {
      problems.push(
        `${describeTag(USER_TAG_KEYS.owner, owner)}: ${bad.length > 0 ? bad.map((id) => quote(id)).join(", ") : "nothing"} ` +
          "is not a Slack member ID (U…, W…), user-group ID (S…) or email address",
      );
    }
    const maxOwners = Math.max(1, options.maxOwners ?? DEFAULT_MAX_OWNERS);
    if (named.length > maxOwners) {
      problems.push(
        `${describeTag(USER_TAG_KEYS.owner, owner)} names ${named.length} owners, more than ${maxOwners} ` +
          `(MAX_OWNERS_PER_KEY): only the first ${maxOwners} are told`,
      );
    }
    const kept = named.slice(0, maxOwners);
    const owners = kept.filter((value) => value.startsWith("<"));
    const emails = kept.filter((value) => !value.startsWith("<"));
    if (owners.length > 0) settings.owners = owners;
    if (emails.length > 0) settings.ownerEmails = emails;
  }

  const deactivateAge = byKey.get(USER_TAG_KEYS.deactivateAge);
  if (deactivateAge !== undefined) {
    let ms: number | undefined;
    try {
      ms = parseDuration(deactivateAge);
    } catch {
      problems.push(`${describeTag(USER_TAG_KEYS.deactivateAge, deactivateAge)} is ignored: ${DURATION_FORMAT_HINT}`);
    }
    if (ms !== undefined && !capped(USER_TAG_KEYS.deactivateAge, deactivateAge, ms)) {
      settings.deactivateAge = { ms, label: deactivateAge };
    }
  }
  const deactivate = byKey.get(USER_TAG_KEYS.deactivate);
  if (deactivate !== undefined) {
    if (deactivate.toLowerCase() === "never") settings.deactivateNever = true;
    else problems.push(`${describeTag(USER_TAG_KEYS.deactivate, deactivate)} is ignored: the only value is "never"`);
  }

  return { ...settings, problems };
}

/** Slack markup that mentions a member (`U…`/`W…`) or a user group (`S…`); undefined for anything else. */
export function slackMention(id: string): string | undefined {
  if (MEMBER_ID.test(id)) return `<@${id}>`;
  if (GROUP_ID.test(id)) return `<!subteam^${id}>`;
  return undefined;
}

/** A user's effective limits: the tags' ages over the global ones, the stricter one winning. */
export interface UserThresholds {
  /** The limits to classify this user's keys with. */
  readonly thresholds: Thresholds;
  /** The per-user ages as written (`36h`), for the message. @default undefined: the global limits apply */
  readonly customLabels?: { readonly warningAge?: string; readonly criticalAge?: string };
  /** Set when a warning-age tag comes after the critical age, so the key warns no earlier than it is critical. */
  readonly problem?: string;
}

/**
 * Applies the per-user ages of `settings` to the global limits. A tag never makes a key quieter than
 * another setting asks for: the effective warning age is min(warning, critical), so a lone
 * `key-age:critical-age=30d` under a global 80d warning age makes the key critical at 30d (and a
 * warning from then too). A warning-age tag later than the critical age cannot delay the critical
 * alert; that is pointed out, naming only tags the user did set.
 */
export function userThresholds(global: Thresholds, settings: UserTagSettings): UserThresholds {
  if (settings.warningAgeMs === undefined && settings.criticalAgeMs === undefined) return { thresholds: global };
  const warningAgeMs = settings.warningAgeMs ?? global.warningAgeMs;
  const criticalAgeMs = settings.criticalAgeMs ?? global.criticalAgeMs;
  const labels = settings.ageLabels ?? {};
  const customLabels = {
    ...(settings.warningAgeMs !== undefined && labels.warningAge ? { warningAge: labels.warningAge } : {}),
    ...(settings.criticalAgeMs !== undefined && labels.criticalAge ? { criticalAge: labels.criticalAge } : {}),
  };
  const thresholds = { ...global, warningAgeMs: Math.min(warningAgeMs, criticalAgeMs), criticalAgeMs };
  if (settings.warningAgeMs === undefined || warningAgeMs <= criticalAgeMs) return { thresholds, customLabels };
  const critical =
    settings.criticalAgeMs !== undefined
      ? `tag ${USER_TAG_KEYS.criticalAge} (${labels.criticalAge ?? "set"})`
      : "the global critical age";
  return {
    thresholds,
    customLabels,
    problem:
      `tag ${USER_TAG_KEYS.warningAge} (${labels.warningAge ?? "set"}) comes after ${critical}: ` +
      `the key is critical before it could warn; set ${USER_TAG_KEYS.criticalAge} as well to move both`,
  };
}

function parseDate(text: string): Date | undefined {
  const match = DATE.exec(text);
  if (!match) return undefined;
  const [year, month, day] = [Number(match[1]), Number(match[2]), Number(match[3])];
  const date = new Date(Date.UTC(year, month - 1, day));
  // Date.UTC rolls 2025-02-30 over to March: a round trip catches impossible dates.
  return date.getUTCFullYear() === year && date.getUTCMonth() === month - 1 && date.getUTCDate() === day
    ? date
    : undefined;
}

/**
 * Whether an exemption date is honoured at `now`: one further ahead than `maxExemption` is not, since
 * whoever can tag a user could otherwise silence its keys forever. Returns the problem to report when not.
 */
export function exemptionBeyondHorizon(
  settings: UserTagSettings,
  now: Date,
  maxExemption: { readonly ms: number; readonly label: string } | undefined,
): string | undefined {
  if (!settings.exemptUntil || !maxExemption) return undefined;
  if (settings.exemptUntil.getTime() - now.getTime() <= maxExemption.ms) return undefined;
  return (
    `${describeTag(USER_TAG_KEYS.exemptUntil, settings.exemptUntilLabel ?? "")} is not honoured: it is more than ` +
    `${maxExemption.label} ahead (the longest exemption allowed, MAX_EXEMPTION), so the key is alerted as if not exempt`
  );
}

function describeTag(key: string, value: string): string {
  return `tag ${key}=${quote(value)}`;
}

function quote(value: string): string {
  return JSON.stringify(value.length > MAX_QUOTED_CHARS ? `${value.slice(0, MAX_QUOTED_CHARS - 1)}…` : value);
}
