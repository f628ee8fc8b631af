import { CronExpressionParser } from 'cron-parser';
import cronstrue from 'cronstrue';

/**
 * When a job runs is a five-field cron expression (minute hour day-of-month
 * month day-of-week) in an IANA time zone. It must mean the same thing to
 * the three readers it has: cron-parser (the next runs), cronstrue (the
 * plain-English form operators read) and Temporal's schedule (what runs).
 * Where they disagree, the expression is refused rather than read two ways:
 * Temporal rejects `L`, `W` and `?` and silently ignores `#` (`1#2` would run
 * every Monday, not the second one), and has `@every` that the others lack.
 */
const FIELDS = ['minute', 'hour', 'day-of-month', 'month', 'day-of-week'] as const;
const NAMES: Partial<Record<(typeof FIELDS)[number], readonly string[]>> = {
  month: ['jan', 'feb', 'mar', 'apr', 'may', 'jun', 'jul', 'aug', 'sep', 'oct', 'nov', 'dec'],
  'day-of-week': ['sun', 'mon', 'tue', 'wed', 'thu', 'fri', 'sat'],
};
/** One item of a field's comma list: `*`, `5`, `1-5`, `mon-fri`, each optionally `/step`. */
const ITEM = /^(\*|\d+|[a-z]{3})(?:-(\d+|[a-z]{3}))?(?:\/(\d+))?$/i;

/** Why the expression is refused, or undefined when all three readers accept it alike. */
export function cronProblem(cron: string): string | undefined {
  const expression = normalizeCron(cron);
  if (expression === '') return 'is required: five fields, minute hour day-of-month month day-of-week (e.g. 0 2 * * *)';
  if (expression.startsWith('@'))
    return `shortcuts like ${expression.split(' ')[0]} are not accepted: write the five fields (e.g. 0 2 * * *)`;
  const fields = expression.split(' ');
  if (fields.length !== 5)
    return `must have five fields (minute hour day-of-month month day-of-week), got ${fields.length}: ${JSON.stringify(expression)}`;
  for (const [i, field] of fields.entries()) {
    const name = FIELDS[i]!;
    for (const item of field.split(',')) {
      const m = ITEM.exec(item);
      if (!m)
        return `${name} field ${JSON.stringify(field)}: ${JSON.stringify(item)} is not a number, range, step or *; L, W, # and ? are not supported`;
      for (const word of [m[1], m[2]].filter((w): w is string => !!w && /^[a-z]/i.test(w))) {
        if (!NAMES[name]?.includes(word.toLowerCase()))
          return `${name} field ${JSON.stringify(field)}: ${JSON.stringify(word)} is not a ${name === 'month' || name === 'day-of-week' ? `${name} name` : 'number'}`;
      }
    }
  }
  // cronstrue first: its messages name the field ("minutes part must be >= 0 and <= 59").
  try {
    cronstrue.toString(expression, { throwExceptionOnParseError: true });
  } catch (error) {
    return `is not a valid cron expression: ${String(error).replace(/^Error: /, '')}`;
  }
  try {
    CronExpressionParser.parse(expression, { tz: 'UTC' }).next();
  } catch (error) {
    return `is not a valid cron expression: ${(error as Error).message}`;
  }
  return undefined;
}

/** Single spaces between fields, none around: what is stored and compared. */
export const normalizeCron = (cron: string): string => cron.trim().split(/\s+/).filter(Boolean).join(' ');

/** The expression in plain English, with its zone: "At 02:00 (UTC)", "Every 2 minutes (UTC)". */
export function describeCron(cron: string, timezone: string): string {
  return `${cronstrue.toString(cron, { use24HourTimeFormat: true })} (${timezone})`;
}

/** The next `count` times the expression fires after `after`, in its zone. */
export function nextRuns(cron: string, timezone: string, after: Date, count: number): Date[] {
  const expression = CronExpressionParser.parse(cron, { tz: timezone, currentDate: after });
  return expression.take(count).map((d) => d.toDate());
}

const AREAS = ['Africa', 'America', 'Antarctica', 'Arctic', 'Asia', 'Atlantic', 'Australia', 'Europe', 'Indian', 'Pacific', 'Etc'];
const SEGMENT = /^[A-Z][A-Za-z0-9_+-]*$/;

/**
 * Why the zone is refused, or undefined. UTC or an Area/Location name from
 * the IANA database that Node knows: Node also takes offsets (`+01:00`),
 * legacy names (`EST5EDT`) and any letter case (`utc`, `Europe/BERLIN`) that
 * Temporal's zone database refuses, so those are turned away here, at the
 * command, rather than by Temporal when the schedule is written.
 */
export function timezoneProblem(timezone: string): string | undefined {
  const refused = `${JSON.stringify(timezone)} is not an IANA time zone; use a name like UTC, Europe/Berlin or America/New_York`;
  if (timezone === 'UTC') return undefined;
  const [area, ...location] = timezone.split('/');
  if (!AREAS.includes(area!) || location.length === 0 || !location.every((s) => SEGMENT.test(s))) return refused;
  let resolved: string;
  try {
    resolved = new Intl.DateTimeFormat('en', { timeZone: timezone }).resolvedOptions().timeZone;
  } catch {
    return refused;
  }
  if (resolved !== timezone && resolved.toLowerCase() === timezone.toLowerCase())
    return `${JSON.stringify(timezone)} is spelled ${resolved} (time zone names are case-sensitive)`;
  return undefined;
}
