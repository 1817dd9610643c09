import type { KeyFinding, KeyStatus } from "../handler/scan/classify";

/**
 * `--fail-on` levels from least to most severe: unused < warning < critical < exposed. This is the
 * handler's SEVERITY_ORDER (exposure beats age, age beats disuse) read upwards; `ok`, `inactive` and
 * `exempt` never fail a run.
 */
export const FAIL_ON_LEVELS = ["unused", "warning", "critical", "exposed"] as const satisfies readonly KeyStatus[];

/** A `--fail-on` value. */
export type FailOnLevel = (typeof FAIL_ON_LEVELS)[number];

/** True if `text` is a `--fail-on` level. */
export function isFailOnLevel(text: string): text is FailOnLevel {
  return (FAIL_ON_LEVELS as readonly string[]).includes(text);
}

/** The statuses that meet `level`: the level itself and every more severe one. */
export function statusesAtOrAbove(level: FailOnLevel): readonly KeyStatus[] {
  return FAIL_ON_LEVELS.slice(FAIL_ON_LEVELS.indexOf(level));
}

/** The findings at or above `level`; a non-empty result fails the run. */
export function findingsAtOrAbove(findings: readonly KeyFinding[], level: FailOnLevel): readonly KeyFinding[] {
  const failing: readonly string[] = statusesAtOrAbove(level);
  return findings.filter((finding) => failing.includes(finding.status));
}

/**
 * The exposed keys: AWS says they leaked, so they fail the run with or without `--fail-on` (every
 * level is met by them anyway).
 */
export function exposedFindings(findings: readonly KeyFinding[]): readonly KeyFinding[] {
  return findings.filter((finding) => finding.status === "exposed");
}

/** The stderr line naming the exposed keys' count, or undefined when there are none. */
export function exposedKeysText(exposed: readonly KeyFinding[]): string | undefined {
  if (exposed.length === 0) return undefined;
  return (
    `${exposed.length} ${exposed.length === 1 ? "key is" : "keys are"} exposed: AWS reports ` +
    `${exposed.length === 1 ? "it" : "them"} leaked; rotate now (see the remediation above)`
  );
}
