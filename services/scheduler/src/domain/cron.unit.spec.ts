import { describe, expect, it } from 'vitest';
import { cronProblem, describeCron, nextRuns, normalizeCron, timezoneProblem } from './cron';

describe('cron expressions: five fields that cron-parser, cronstrue and Temporal read alike', () => {
  it.each([
    ['*/2 * * * *', 'Every 2 minutes (UTC)'],
    ['0 2 * * *', 'At 02:00 (UTC)'],
    ['30 3 * * *', 'At 03:30 (UTC)'],
    ['*/5 * * * *', 'Every 5 minutes (UTC)'],
    ['0 2 * * MON-FRI', 'At 02:00, Monday through Friday (UTC)'],
    ['0 2 1,15 * *', 'At 02:00, on day 1 and 15 of the month (UTC)'],
    ['0 2 * jan sun', 'At 02:00, only on Sunday, only in January (UTC)'],
    ['0 0 29 2 *', 'At 00:00, on day 29 of the month, only in February (UTC)'],
  ])('%s is accepted: %s', (cron, described) => {
    expect(cronProblem(cron)).toBeUndefined();
    expect(describeCron(cron, 'UTC')).toBe(described);
  });

  it.each([
    ['', /is required: five fields/],
    ['* * * *', /must have five fields \(minute hour day-of-month month day-of-week\), got 4/],
    ['0 0 2 * * *', /must have five fields .* got 6/],
    ['@daily', /shortcuts like @daily are not accepted/],
    ['@every 5m', /shortcuts like @every are not accepted/],
    ['60 * * * *', /is not a valid cron expression: minutes part must be >= 0 and <= 59/],
    ['0 24 * * *', /is not a valid cron expression/],
    ['5-1 * * * *', /is not a valid cron expression: Invalid range: 5-1/],
    ['*/0 * * * *', /is not a valid cron expression/],
    ['0 2 31 2 *', /is not a valid cron expression: Invalid explicit day of month/],
    ['0 2 L * *', /day-of-month field "L": "L" is not a number, range, step or \*; L, W, # and \? are not supported/],
    ['0 2 * * 1#2', /day-of-week field "1#2": "1#2" is not a number, range, step or \*/],
    ['0 2 ? * *', /day-of-month field "\?"/],
    ['0 2 15W * *', /day-of-month field "15W"/],
    ['0 2 * * 8', /is not a valid cron expression/],
    ['0 2 * 13 *', /is not a valid cron expression/],
    ['0 2 * * abc', /day-of-week field "abc": "abc" is not a day-of-week name/],
    ['0 mon * * *', /hour field "mon": "mon" is not a number/],
    ['a b c d e', /minute field "a": "a" is not a number/],
  ])('%j is refused: %s', (cron, why) => {
    expect(cronProblem(cron)).toMatch(why);
  });

  it('extra spaces are normalised, not refused', () => {
    expect(normalizeCron('  0   2 * *\t* ')).toBe('0 2 * * *');
    expect(cronProblem('  0   2 * *\t* ')).toBeUndefined();
  });

  it('the next runs are read in the job’s zone', () => {
    const after = new Date('2026-11-23T08:00:00Z');
    expect(nextRuns('0 2 * * *', 'UTC', after, 2).map((d) => d.toISOString())).toEqual([
      '2026-11-24T02:00:00.000Z',
      '2026-11-25T02:00:00.000Z',
    ]);
    // 02:00 in Berlin is 01:00 UTC in November.
    expect(nextRuns('0 2 * * *', 'Europe/Berlin', after, 1)[0]!.toISOString()).toBe('2026-11-24T01:00:00.000Z');
  });
});

describe('time zones: IANA names Temporal knows', () => {
  it.each([
    'UTC',
    'Europe/Berlin',
    'America/New_York',
    'Asia/Kolkata',
    'Europe/Kyiv',
    'America/Argentina/Buenos_Aires',
    'Etc/UTC',
    'Etc/GMT+2',
  ])('%s is accepted', (tz) => {
    expect(timezoneProblem(tz)).toBeUndefined();
  });
  it.each(['utc', 'europe/berlin', '+01:00', 'Mars/Olympus', 'CEST', 'EST5EDT', 'Europe', ''])('%j is refused, naming an example', (tz) => {
    expect(timezoneProblem(tz)).toMatch(/is not an IANA time zone; use a name like UTC, Europe\/Berlin/);
  });
  it('a name in the wrong case says how it is spelled', () => {
    expect(timezoneProblem('Europe/BERLIN')).toBe('"Europe/BERLIN" is spelled Europe/Berlin (time zone names are case-sensitive)');
  });
});
