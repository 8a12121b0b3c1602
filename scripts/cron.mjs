// Cron expressions as wrangler.toml's `[env.X.triggers] crons` give them, matched against a UTC
// minute, so `npm start` can run each Worker's scheduled handler when Cloudflare would.
//
// Cloudflare's dialect, as far as this needs: five fields, `*`, numbers, ranges (`a-b`), steps
// (`*/n`, `a-b/n`, `a/n`), lists, and three-letter month and weekday names. Weekdays count
// 1 = Sunday to 7 = Saturday, as Cloudflare's do (not cron's usual 0 = Sunday). Its Quartz
// extras (L, W, #) and both day fields at once are refused by name rather than guessed at: the
// ticker then says which cron it cannot run, instead of running it at the wrong times.

const MONTHS = ["JAN", "FEB", "MAR", "APR", "MAY", "JUN", "JUL", "AUG", "SEP", "OCT", "NOV", "DEC"];
const WEEKDAYS = ["SUN", "MON", "TUE", "WED", "THU", "FRI", "SAT"];

const FIELDS = [
  { name: "minute", min: 0, max: 59 },
  { name: "hour", min: 0, max: 23 },
  { name: "day of month", min: 1, max: 31 },
  { name: "month", min: 1, max: 12, names: MONTHS },
  { name: "weekday", min: 1, max: 7, names: WEEKDAYS },
];

export class CronError extends Error {
  name = "CronError";
}

/** One value of a field: a number in range, or (months, weekdays) a name. */
function value(text, field, expression) {
  const named = field.names?.indexOf(text.toUpperCase()) ?? -1;
  const n = named >= 0 ? named + field.min : /^\d+$/.test(text) ? Number(text) : NaN;
  if (!(n >= field.min && n <= field.max))
    throw new CronError(`"${expression}": ${field.name} "${text}" is not a number from ${field.min} to ${field.max}`);
  return n;
}

/** The values one field allows, as a set. */
function field(text, spec, expression) {
  const allowed = new Set();
  for (const part of text.split(",")) {
    const m = /^(\*|[A-Za-z0-9]+(?:-[A-Za-z0-9]+)?)(?:\/(\d+))?$/.exec(part);
    if (!m) throw new CronError(`"${expression}": the ${spec.name} field "${text}" uses syntax npm start does not run`);
    const [, range, stepText] = m;
    const step = stepText === undefined ? 1 : Number(stepText);
    if (step < 1) throw new CronError(`"${expression}": a step must be 1 or more`);
    let from, to;
    if (range === "*") [from, to] = [spec.min, spec.max];
    else {
      const [a, b] = range.split("-");
      from = value(a, spec, expression);
      // `a/n` runs from a to the field's end, as in other crons.
      to = b !== undefined ? value(b, spec, expression) : stepText !== undefined ? spec.max : from;
      if (to < from) throw new CronError(`"${expression}": the ${spec.name} range "${range}" runs backwards`);
    }
    for (let n = from; n <= to; n += step) allowed.add(n);
  }
  return allowed;
}

/**
 * A cron expression, parsed once: `matches(date)` says whether it fires in that date's UTC
 * minute. Throws a CronError naming the expression and the part it cannot run.
 */
export function parseCron(expression) {
  const parts = expression.trim().split(/\s+/);
  if (parts.length !== 5) throw new CronError(`"${expression}": five fields expected, found ${parts.length}`);
  const [minutes, hours, days, months, weekdays] = parts.map((p, i) => field(p, FIELDS[i], expression));
  if (parts[2] !== "*" && parts[4] !== "*")
    throw new CronError(`"${expression}": a day of month and a weekday together are not run by npm start`);
  return {
    expression,
    matches: (date) =>
      minutes.has(date.getUTCMinutes()) &&
      hours.has(date.getUTCHours()) &&
      days.has(date.getUTCDate()) &&
      months.has(date.getUTCMonth() + 1) &&
      weekdays.has(date.getUTCDay() + 1),
  };
}

/** The start of the next whole UTC minute after `now` (ms), when crons are due. */
export const nextMinute = (now) => Math.floor(now / 60_000) * 60_000 + 60_000;
