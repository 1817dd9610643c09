import { describeError } from "../runtime/error-fields";

/** Thrown when the alert state cannot be read or written; the run fails rather than guess. */
export class AlertStateError extends Error {
  constructor(message: string, options: { cause: unknown }) {
    super(`${message}: ${describeError(options.cause)}`, options);
    this.name = "AlertStateError";
  }
}
