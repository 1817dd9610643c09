import type { KeyExposure } from "../scan/exposure";
import { maskAccessKeyId } from "../runtime/mask";
import { codeText, inertText, sectionBlock, type SectionBlock } from "./slack-message";

/** AWS's guidance for credentials that may be compromised: rotate, review CloudTrail, remove what you did not create. */
export const EXPOSED_KEY_DOCS_URL = "https://repost.aws/knowledge-center/potential-account-compromise";

/** What to do about an exposed key, in one sentence (AWS's guidance for exposed keys). */
export const EXPOSED_KEY_REMEDIATION =
  "Treat the key as compromised: rotate it now (a new key for its consumers, then deactivate and delete this one), " +
  "review CloudTrail for everything this key did, and check the account for users, keys, roles or resources " +
  "you did not create; then detach AWS's quarantine policy from the user.";

/** Why the key counts as exposed, as shown on its line (`quarantine policy AWSCompromisedKeyQuarantineV3 attached`). */
export function exposureText(exposure: KeyExposure | undefined): string {
  const reasons: string[] = [];
  const policies = exposure?.quarantinePolicies ?? [];
  if (policies.length > 0) {
    reasons.push(
      `AWS quarantine ${policies.length === 1 ? "policy" : "policies"} ${inertText(policies.join(", "))} attached`,
    );
  }
  if (exposure?.healthEvent) reasons.push("named by an AWS Health exposure event");
  return reasons.length > 0 ? reasons.join(", ") : "reported exposed by AWS";
}

/**
 * The plain-spoken note a key's owner reads in a direct message about an exposed key: what AWS found
 * and the three things to do now.
 */
export function ownerExposureNote(): string {
  return (
    ":rotating_light: *AWS reports that your access key has leaked* (found in public, for example in a " +
    `repository or a package). ${EXPOSED_KEY_REMEDIATION} <${EXPOSED_KEY_DOCS_URL}|What AWS advises>`
  );
}

/**
 * The digest's section for keys an AWS Health exposure event named that the scan did not find: named,
 * never dropped, because the event alone says a key of this account leaked.
 */
export function exposedKeysNotFoundBlock(accessKeyIds: readonly string[]): SectionBlock {
  const keys = accessKeyIds.map((id) => codeText(maskAccessKeyId(id))).join(", ");
  return sectionBlock(
    `:rotating_light: *Exposed* · ${keys} · ${accessKeyIds.length === 1 ? "key" : "keys"} from an AWS Health ` +
      "exposure event not found in this account: deleted already, or not an IAM user's key here. " +
      "Check the event in the AWS Health Dashboard and CloudTrail.",
  );
}
