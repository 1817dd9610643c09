/**
 * Text styles for the terminal table. Hand-written ANSI SGR codes on purpose: the table needs a few
 * colours plus bold and dim, which is not worth a colour library as a dependency of the project.
 */
export interface TerminalStyle {
  readonly bold: (text: string) => string;
  readonly dim: (text: string) => string;
  readonly red: (text: string) => string;
  readonly yellow: (text: string) => string;
  readonly magenta: (text: string) => string;
  readonly green: (text: string) => string;
  readonly cyan: (text: string) => string;
}

const sgr =
  (open: number, close: number) =>
  (text: string): string =>
    `\x1b[${open}m${text}\x1b[${close}m`;

/** Styles with ANSI escape codes. */
export const ANSI_STYLE: TerminalStyle = {
  bold: sgr(1, 22),
  dim: sgr(2, 22),
  red: sgr(31, 39),
  yellow: sgr(33, 39),
  magenta: sgr(35, 39),
  green: sgr(32, 39),
  cyan: sgr(36, 39),
};

const same = (text: string): string => text;

/** Styles that leave text unchanged: no escape codes at all. */
export const PLAIN_STYLE: TerminalStyle = {
  bold: same,
  dim: same,
  red: same,
  yellow: same,
  magenta: same,
  green: same,
  cyan: same,
};

/**
 * Decides whether to colour: never with `--no-color`, a non-empty `NO_COLOR` (no-color.org) or
 * `TERM=dumb`; otherwise when `FORCE_COLOR` is set (and not `0`) or stdout is a terminal.
 */
export function shouldColour(options: {
  readonly isTTY: boolean;
  readonly env: Readonly<Record<string, string | undefined>>;
  readonly noColorFlag?: boolean;
}): boolean {
  const { env } = options;
  if (options.noColorFlag) return false;
  if (env.NO_COLOR !== undefined && env.NO_COLOR !== "") return false;
  if (env.TERM === "dumb") return false;
  if (env.FORCE_COLOR !== undefined && env.FORCE_COLOR !== "0" && env.FORCE_COLOR !== "false") return true;
  return options.isTTY;
}
