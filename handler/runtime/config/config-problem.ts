import { quoteSetting } from "../mask";

/**
 * One problem of the configuration, kept structured so that each reader can name the setting its
 * own way: the handler and the CLI by the variable (`WARNING_AGE`), synth by the config field
 * (`warningAge`) it deploys as that variable.
 */
export interface ConfigProblem {
  /** The variable at fault (the first one, when the problem involves two). */
  readonly variable: string;
  /** The offending value as given. @default undefined: the problem is not about one value (e.g. a missing setting) */
  readonly value?: string;
  /**
   * What is wrong, naming any setting through `name`; without a `value` it is the whole sentence.
   * `name` answers undefined for a variable the reader cannot set (synth has no `SLACK_WEBHOOK_URL`).
   */
  readonly reason: (name: (variable: string) => string | undefined) => string;
}

/** Renders a problem by variable name: `WARNING_AGE="1x": expected …`. */
export function describeConfigProblem(problem: ConfigProblem): string {
  const reason = problem.reason((variable) => variable);
  return problem.value === undefined ? reason : `${problem.variable}=${quoteSetting(problem.value)}: ${reason}`;
}

/** Thrown by {@link loadConfig}; lists every problem, one per line. */
export class ConfigError extends Error {
  /** One entry per invalid or missing variable, worded by variable name. */
  readonly problems: readonly string[];
  /** The same problems, structured. */
  readonly details: readonly ConfigProblem[];

  constructor(problems: readonly (string | ConfigProblem)[]) {
    const texts = problems.map((problem) => (typeof problem === "string" ? problem : describeConfigProblem(problem)));
    super(`Invalid handler configuration:\n- ${texts.join("\n- ")}`);
    this.name = "ConfigError";
    this.problems = texts;
    this.details = problems.map((problem, index) =>
      typeof problem === "string" ? { variable: "", reason: () => texts[index] } : problem,
    );
  }
}
