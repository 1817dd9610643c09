import type { UserTagProblems } from "../scan/classify";
import { SLACK_LIMITS, codeText, inertText, truncateText, type SectionBlock } from "./slack-message";

/** The digest's "tag problems" part, and which users it named. */
export interface RenderedTagProblems {
  /** One section block listing users and their problems. */
  readonly block: SectionBlock;
  /** The users named, in order: only their problems count as announced. */
  readonly named: readonly string[];
}

// Room kept for the "… and N more" tail, so the list is never cut mid-line.
const TAIL_CHARS = 120;

/**
 * Renders the users whose `key-age:*` tags have a problem, whatever the status of their keys, as one
 * section within Slack's limits. Users that do not fit are counted with a pointer to the CLI, which
 * lists them all; they are not named, so they are not recorded as announced either.
 */
export function renderTagProblems(tagProblems: readonly UserTagProblems[]): RenderedTagProblems | undefined {
  if (tagProblems.length === 0) return undefined;
  const title = `:warning: *Tag problems* (${tagProblems.length} ${tagProblems.length === 1 ? "user" : "users"}):`;
  const room = SLACK_LIMITS.maxSectionTextChars - title.length - TAIL_CHARS;
  const lines: string[] = [];
  const named: string[] = [];
  let length = 0;
  for (const { userName, problems } of tagProblems) {
    const line = truncateText(`• ${codeText(userName)}: ${problems.map((p) => inertText(p)).join("; ")}`, 600);
    if (length + line.length + 1 > room) break;
    lines.push(line);
    named.push(userName);
    length += line.length + 1;
  }
  const rest = tagProblems.length - named.length;
  const tail = rest > 0 ? `\n… and ${rest} more (\`key-age scan\` lists every user's tag problems)` : "";
  return { block: { type: "section", text: { type: "mrkdwn", text: `${title}\n${lines.join("\n")}${tail}` } }, named };
}
