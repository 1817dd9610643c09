import type { Announcement } from "../../alerts/alert-transitions";
import type { Classification, KeyFinding } from "../../scan/classify";

/**
 * Owners who cannot get a direct message, as the sentence the channel shows next to their key
 * (`owner alice@example.com not found in Slack`): the channel digest is their only alert. The digest
 * goes out before any owner is looked up, so these are the addresses an earlier run found unknown to
 * Slack and the owner cache still remembers (see owner-cache.ts).
 */
export function ownerProblems(notFound: Iterable<string>): Map<string, string> {
  return new Map(
    [...notFound].map((email) => [email, `owner ${email} not found in Slack, so only this channel is told`]),
  );
}

/** The findings with their owners' problems added to `tagProblems`, which the digest shows on the key's line. */
export function withOwnerProblems(
  classification: Classification,
  problems: ReadonlyMap<string, string>,
): Classification {
  if (problems.size === 0) return classification;
  const annotate = (finding: KeyFinding) => annotateFinding(finding, problems);
  return {
    ...classification,
    findings: classification.findings.map(annotate),
    flagged: classification.flagged.map(annotate),
  };
}

/** The announcements with their owners' problems added (see {@link withOwnerProblems}). */
export function announcementsWithOwnerProblems(
  announcements: readonly Announcement[],
  problems: ReadonlyMap<string, string>,
): Announcement[] {
  if (problems.size === 0) return [...announcements];
  return announcements.map((announcement) =>
    announcement.finding
      ? ({ ...announcement, finding: annotateFinding(announcement.finding, problems) } as Announcement)
      : announcement,
  );
}

function annotateFinding<T extends KeyFinding>(finding: T, problems: ReadonlyMap<string, string>): T {
  const notes = (finding.ownerEmails ?? []).flatMap((email) => problems.get(email) ?? []);
  if (notes.length === 0) return finding;
  return { ...finding, tagProblems: [...(finding.tagProblems ?? []), ...notes] };
}
