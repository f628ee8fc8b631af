import { CronExpressionParser } from 'cron-parser';
import cronstrue from 'cronstrue';

/** The first time `cron` fires strictly after `after`, in `timezone`. */
export function nextCronTime(cron: string, timezone: string, after: Date): Date {
  return CronExpressionParser.parse(cron, { currentDate: after, tz: timezone }).next().toDate();
}

/** "Every 2 minutes, UTC", "At 02:00, UTC": the cron as an operator reads it. */
export function describeCron(cron: string, timezone: string): string {
  try {
    return `${cronstrue.toString(cron, { use24HourTimeFormat: true })}, ${timezone}`;
  } catch {
    // The service refuses crons cronstrue cannot read; an old event may still hold one.
    return `${cron} (${timezone})`;
  }
}
