const RATE = /^rate\((\d+) (minute|minutes|hour|hours|day|days)\)$/;
const CRON = /^cron\((.*)\)$/;

const MONTHS = ["JAN", "FEB", "MAR", "APR", "MAY", "JUN", "JUL", "AUG", "SEP", "OCT", "NOV", "DEC"];
const DAYS = ["SUN", "MON", "TUE", "WED", "THU", "FRI", "SAT"];

/** One field of an EventBridge cron expression: its name, range and the extra forms it allows. */
interface CronField {
  readonly name: string;
  readonly min: number;
  readonly max: number;
  readonly names?: readonly string[];
  /** `?` (no specific value): only day-of-month and day-of-week. */
  readonly question?: boolean;
  /** `L`, `W`, `#` forms. */
  readonly special?: RegExp;
}

// EventBridge: cron(minutes hours day-of-month month day-of-week year).
const CRON_FIELDS: readonly CronField[] = [
  { name: "minutes", min: 0, max: 59 },
  { name: "hours", min: 0, max: 23 },
  { name: "day-of-month", min: 1, max: 31, question: true, special: /^(L|LW|\d{1,2}W|L-\d{1,2})$/ },
  { name: "month", min: 1, max: 12, names: MONTHS },
  { name: "day-of-week", min: 1, max: 7, names: DAYS, question: true, special: /^(\d|[A-Z]{3})(L|#[1-5])$|^L$/ },
  { name: "year", min: 1970, max: 2199 },
];

/**
 * Checks an EventBridge schedule expression: `rate(N unit)` with the unit's singular for 1 and
 * plural otherwise, or `cron(…)` with six fields in range where exactly one of day-of-month and
 * day-of-week is `?`. Returns what is wrong, or undefined when it is valid.
 */
export function scheduleExpressionProblem(expression: string): string | undefined {
  const rate = RATE.exec(expression);
  if (rate) {
    const amount = Number(rate[1]);
    if (amount < 1) return "a rate must be at least 1";
    const plural = rate[2].endsWith("s");
    if (amount === 1 && plural) return `write rate(1 ${rate[2].slice(0, -1)}): the unit is singular for 1`;
    if (amount > 1 && !plural) return `write rate(${amount} ${rate[2]}s): the unit is plural above 1`;
    return undefined;
  }
  const cron = CRON.exec(expression);
  if (!cron) return "expected rate(N minutes|hours|days) or cron(minutes hours day-of-month month day-of-week year)";
  const fields = cron[1].trim().split(/\s+/);
  if (fields.length !== 6) {
    return `a cron expression has 6 fields (minutes hours day-of-month month day-of-week year), this one has ${fields.length}`;
  }
  for (const [index, field] of CRON_FIELDS.entries()) {
    const problem = cronFieldProblem(fields[index].toUpperCase(), field);
    if (problem) return `cron field ${field.name} ${JSON.stringify(fields[index])}: ${problem}`;
  }
  if ((fields[2] === "?") === (fields[4] === "?")) {
    return "exactly one of day-of-month and day-of-week must be ? (EventBridge cannot combine both)";
  }
  return undefined;
}

function cronFieldProblem(text: string, field: CronField): string | undefined {
  if (text === "?") return field.question ? undefined : "? is only allowed in day-of-month or day-of-week";
  for (const item of text.split(",")) {
    if (item === "*") continue;
    if (field.special?.test(item)) continue;
    const match = /^(\*|[A-Z0-9]+)(?:-([A-Z0-9]+))?(?:\/(\d+))?$/.exec(item);
    if (!match) return `${JSON.stringify(item)} is not a value, range or step`;
    const values = [match[1], match[2]].filter((value): value is string => value !== undefined && value !== "*");
    for (const value of values) {
      const number = valueOf(value, field);
      if (number === undefined || number < field.min || number > field.max) {
        return `${JSON.stringify(value)} is out of range ${field.min}-${field.max}`;
      }
    }
    if (match[3] !== undefined && Number(match[3]) < 1) return "a step must be at least 1";
  }
  return undefined;
}

function valueOf(text: string, field: CronField): number | undefined {
  if (/^\d+$/.test(text)) return Number(text);
  const index = field.names?.indexOf(text) ?? -1;
  return index < 0 ? undefined : index + field.min;
}
