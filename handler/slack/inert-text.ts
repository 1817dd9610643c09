/**
 * Making free text inert in Slack messages: the one place that decides how a user name, a tag value,
 * an account name or an error from AWS is shown so that it can never mention, broadcast, link or
 * format. Every renderer calls {@link inertText} (or {@link codeText}, its inline-code form).
 */

/** Escapes `&`, `<` and `>` as Slack's mrkdwn requires for text that is not markup. */
export function escapeMrkdwn(text: string): string {
  return text.replace(/&/g, "&amp;").replace(/</g, "&lt;").replace(/>/g, "&gt;");
}

// U+2060 WORD JOINER: invisible, yet it stops Slack (and its `link_names` parsing) from reading what
// follows as markup. A zero-width space would do too, but could wrap a line in the middle of a name.
const JOINER = "\u2060";
// `@here`, `@channel`, `@everyone`, `@name` and `#channel` only count at the start of a word.
const WORD_START_SIGIL = /(^|[^\p{L}\p{N}_])([@#])(?=[\p{L}\p{N}_])/gu;
// mrkdwn's `*bold*`, `_italic_` and `~strike~`: every `*` and `~` becomes a look-alike, and so does an
// `_` at a word's edge; one between two ASCII letters or digits (`svc_deploy`) cannot open or close
// italics and stays as written.
const FORMAT_MARKER = /[*~]|(?<![A-Za-z0-9])_|_(?![A-Za-z0-9])/g;
const LOOK_ALIKE: Readonly<Record<string, string>> = { "*": "∗", _: "ˍ", "~": "∼" };
// Line breaks would start a quote (`>`), a list or a code block on the next line: free text is one line.
const LINE_BREAK = /[\r\n\u2028\u2029]+/g;

/**
 * Makes free text (a user name, a tag value, an environment or account name, an error from AWS)
 * inert in mrkdwn and in plain text: escapes Slack's control characters, so `<!channel>` or
 * `<https://x|y>` stays text and `&lt;!channel&gt;` shows as typed; breaks what Slack would turn into
 * a mention, a broadcast, a channel link or a link (`@channel`, `@here`, `#general`, `https://…`,
 * `evil.example`, `a@b.example`) with an invisible word joiner; swaps formatting markers (`*bold*`,
 * `~strike~`, and `_italic_` at a word's edge) and backticks for look-alikes (`∗`, `ˍ`, `∼`, `ˋ`), and
 * folds line breaks into spaces (a leading `>`, which would quote the line, becomes `›`). The only mentions a message may carry are the validated
 * `key-age:owner` ones, which are added as markup, never passed through here.
 */
export function inertText(text: string): string {
  // A leading `>` would quote the line when the text starts one: a look-alike `›` instead.
  return escapeMrkdwn(text.replace(LINE_BREAK, " ").replace(/^(\s*)>/, "$1›"))
    .replace(/`/g, "ˋ")
    .replace(FORMAT_MARKER, (marker) => LOOK_ALIKE[marker] ?? marker)
    .replace(WORD_START_SIGIL, `$1$2${JOINER}`)
    .replace(/:\/\//g, `:${JOINER}//`)
    .replace(/([\p{L}\p{N}])\.(?=[\p{L}\p{N}])/gu, `$1.${JOINER}`);
}

/**
 * Shows free text as inline code: Slack neither links nor formats inside it, so dots and underscores
 * stay as they are (a copied user name must work in a shell), while `<`, `&`, `>`, `@here`-style words
 * and `://` are still defused, and a backtick, which would end the code span, becomes a look-alike `ˋ`.
 */
export function codeText(text: string): string {
  const inner = escapeMrkdwn(text.replace(LINE_BREAK, " "))
    .replace(/`/g, "ˋ")
    .replace(WORD_START_SIGIL, `$1$2${JOINER}`)
    .replace(/:\/\//g, `:${JOINER}//`);
  return `\`${inner}\``;
}
