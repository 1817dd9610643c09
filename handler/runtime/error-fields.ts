/** One link of an error's `cause` chain. */
export interface ErrorLink {
  /** The error's class name (`ScanError`, `ThrottlingException`). @default undefined: a thrown non-error */
  readonly name?: string;
  /** Its message (a thrown non-error's text). */
  readonly message: string;
}

/** How many `cause` links are followed; a chain longer than this is cut, a cycle never loops. */
const MAX_CHAIN = 4;

/** The error and its causes, outermost first, at most {@link MAX_CHAIN} long. */
export function errorChain(error: unknown): readonly ErrorLink[] {
  const chain: ErrorLink[] = [];
  let current: unknown = error;
  while (current !== undefined && chain.length < MAX_CHAIN) {
    chain.push(current instanceof Error ? { name: current.name, message: current.message } : linkOf(current));
    current = current instanceof Error ? current.cause : undefined;
  }
  return chain;
}

/** `Name: message` of one link (just the text of a thrown non-error). */
export function describeLink(link: ErrorLink): string {
  return link.name === undefined ? link.message : `${link.name}: ${link.message}`;
}

/** `Name: message` of the error itself (not its causes), for building another error's message. */
export function describeError(error: unknown): string {
  return describeLink(errorChain(error)[0] ?? linkOf(error));
}

/** Just the error's message (a thrown non-error's text), for a line that names the error elsewhere. */
export function errorMessage(error: unknown): string {
  return (errorChain(error)[0] ?? linkOf(error)).message;
}

/** The error and its causes, one `Name: message` each, skipping causes the message already quotes. */
export function describeErrorChain(error: unknown): string {
  const parts: string[] = [];
  for (const link of errorChain(error)) {
    const text = describeLink(link);
    if (!parts.some((part) => part.includes(text))) parts.push(text);
  }
  return parts.join("\n  caused by ");
}

/** The fields every error log line carries. */
// A type alias rather than an interface, so it spreads into a log entry's index signature.
export type ErrorFields = {
  /** The error's class name. */
  readonly errorName: string;
  /** The error's message. */
  readonly error: string;
  /** `Name: message` of each cause, outermost first. @default undefined: the error has no cause */
  readonly errorCauses?: readonly string[];
};

/**
 * The log fields of an error: its name, its message and its `cause` chain. `redact` is applied to
 * every text (the webhook URL must never reach a log line).
 */
export function errorFields(error: unknown, redact: (text: string) => string = (text) => text): ErrorFields {
  const [head = linkOf(error), ...causes] = errorChain(error);
  return {
    errorName: head.name ?? "Error",
    error: redact(head.message),
    ...(causes.length > 0 ? { errorCauses: causes.map((link) => redact(describeLink(link))) } : {}),
  };
}

function linkOf(value: unknown): ErrorLink {
  return { message: String(value) };
}
