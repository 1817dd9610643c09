import type { KeyFinding } from "../scan/classify";
import type { MessageStyle } from "../runtime/config/config";
import { formatDuration } from "../runtime/duration";

/** What the root key's line says, in every style: the one action that fixes it. */
export const ROOT_KEY_TEXT = "the root user has an active access key; delete it";

/**
 * The digest line of the root user's access key. It is critical whatever its age, so the line
 * names the fix instead of a rotation deadline; age and last use appear when the credential report
 * told them.
 */
export function renderRootKeyLine(
  finding: KeyFinding,
  input: { readonly style?: MessageStyle; readonly now: Date },
): string {
  const facts = [
    ...(finding.ageMs !== undefined ? [`age ${formatDuration(finding.ageMs)}`] : []),
    ...(finding.lastUsedDate
      ? [`last used ${formatDuration(input.now.getTime() - finding.lastUsedDate.getTime())} ago`]
      : finding.ageMs !== undefined
        ? ["never used"]
        : []),
  ];
  if ((input.style ?? "digest") === "original") {
    const sentence = `${ROOT_KEY_TEXT.charAt(0).toUpperCase()}${ROOT_KEY_TEXT.slice(1)}!`;
    return facts.length > 0 ? `${sentence} (${facts.join(", ")})` : sentence;
  }
  return [":red_circle: *Critical*", "`&lt;root&gt;`", ROOT_KEY_TEXT, ...facts].join(" · ");
}

/** The resolution line of the root user's access key: it no longer has an active one. */
export function renderRootKeyResolved(style: MessageStyle | undefined): string {
  if ((style ?? "digest") === "original") return "The root user no longer has an active access key.";
  return [":white_check_mark: *Resolved*", "`&lt;root&gt;`", "the root user no longer has an active access key"].join(
    " · ",
  );
}
