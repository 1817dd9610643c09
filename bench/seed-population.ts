import { CreateAccessKeyCommand, CreateUserCommand, IAMClient, UpdateAccessKeyCommand } from "@aws-sdk/client-iam";
import { mapWithConcurrency } from "../handler/runtime/map-with-concurrency";

const MINUTES_PER_DAY = 24 * 60;

/**
 * Key ages by user-name prefix, handed to moto (scripts/moto_server.py backdates keys by prefix).
 * With the default thresholds (80d warning, 90d critical, 45d unused): `crit-` keys are critical,
 * `warn-` keys warnings, `idle-` keys (never used) unused, `retired-` keys old but inactive, `user-` fresh.
 */
export const KEY_AGE_MINUTES_BY_PREFIX: Readonly<Record<string, number>> = {
  "crit-": 100 * MINUTES_PER_DAY,
  "warn-": 85 * MINUTES_PER_DAY,
  "idle-": 50 * MINUTES_PER_DAY,
  "retired-": 200 * MINUTES_PER_DAY,
  "user-": 1 * MINUTES_PER_DAY,
};

/** What {@link seedPopulation} created. */
export interface Population {
  readonly users: number;
  /** Users whose keys a full scan flags. */
  readonly staleUsers: number;
  /** Users with only an old, inactive key (not flagged, but a reactivation candidate for the report scan). */
  readonly retiredUsers: number;
  readonly activeKeys: number;
  readonly inactiveKeys: number;
}

/**
 * Seeds `users` IAM users: `staleShare` of them hold a stale key (critical, warning or unused, a third
 * each), 1% hold only a retired (old, inactive) key, the rest fresh keys: one each, two for every
 * tenth user, none for another tenth.
 */
export async function seedPopulation(iam: IAMClient, users: number, staleShare = 0.02): Promise<Population> {
  const stale = Math.round(users * staleShare);
  const retired = Math.round(users * 0.01);
  const names: { name: string; keys: number; inactive?: boolean }[] = [];
  for (let i = 0; i < users; i += 1) {
    const n = String(i).padStart(5, "0");
    if (i < stale) names.push({ name: `${["crit", "warn", "idle"][i % 3]}-${n}`, keys: 1 });
    else if (i < stale + retired) names.push({ name: `retired-${n}`, keys: 1, inactive: true });
    else names.push({ name: `user-${n}`, keys: i % 10 === 0 ? 2 : i % 10 === 5 ? 0 : 1 });
  }
  await mapWithConcurrency(names, 16, async ({ name, keys, inactive }) => {
    await iam.send(new CreateUserCommand({ UserName: name }));
    for (let k = 0; k < keys; k += 1) {
      const { AccessKey } = await iam.send(new CreateAccessKeyCommand({ UserName: name }));
      if (inactive && AccessKey?.AccessKeyId) {
        await iam.send(
          new UpdateAccessKeyCommand({ UserName: name, AccessKeyId: AccessKey.AccessKeyId, Status: "Inactive" }),
        );
      }
    }
  });
  const keys = names.reduce((sum, user) => sum + user.keys, 0);
  return { users, staleUsers: stale, retiredUsers: retired, activeKeys: keys - retired, inactiveKeys: retired };
}
