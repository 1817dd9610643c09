import type { AlertRecord } from "../alerts/alert-transitions";
import type { RunTrigger } from "../runtime/run-trigger";

/**
 * The key ids to treat as exposed by an AWS Health event in this run (pure): the ones this run's event
 * names, then the ones an earlier event named, as the alert state remembers them (a record past its
 * expiry counts as absent). Once named, a key stays exposed while it exists and is active, whether or
 * not AWS attaches its quarantine policy.
 */
export function eventExposedKeyIds(
  trigger: RunTrigger | undefined,
  records: readonly AlertRecord[] | undefined,
  now: Date,
): string[] {
  const ids = [...(trigger?.exposure?.accessKeyIds ?? [])];
  for (const record of records ?? []) {
    if (record.exposedByEvent && record.expiresAt.getTime() > now.getTime() && !ids.includes(record.accessKeyId)) {
      ids.push(record.accessKeyId);
    }
  }
  return ids;
}
