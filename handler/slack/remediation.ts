import type { KeyStatus } from "../scan/classify";

/** AWS's guide to rotating access keys, linked from every remediation hint. */
export const ROTATE_ACCESS_KEYS_DOCS_URL =
  "https://docs.aws.amazon.com/IAM/latest/UserGuide/id-credentials-access-keys-update.html";

// Rotation without downtime is the same four steps everywhere: a key in use is never switched off first.
const ROTATE_STEPS = "create a second key, move the consumers to it, deactivate the old key, then delete it";

/** What to do about a key in each status, in one sentence; undefined when nothing needs doing. */
export const REMEDIATION: Readonly<Record<KeyStatus, string | undefined>> = {
  exposed: `Leaked: deactivate it now, then rotate (${ROTATE_STEPS}).`,
  critical: `Rotate now without downtime: ${ROTATE_STEPS}.`,
  warning: `Plan the rotation: ${ROTATE_STEPS}.`,
  unused:
    "Deactivate it, wait a while to see that nothing breaks, then delete it (or rotate it if it is still needed).",
  exempt: `Exempt for now: rotate before the exemption ends (${ROTATE_STEPS}).`,
  ok: undefined,
  inactive: "Delete it once nothing needs it (reactivate it only to roll back a rotation).",
};

/** The remediation hint of a status, or undefined for a key that needs nothing. */
export function remediationFor(status: KeyStatus): string | undefined {
  return REMEDIATION[status];
}
