/** The hour the billing job asks to charge: the last one complete at `at`, in UTC. */
export interface BillingHour {
  /** e.g. 2026-11-23T07: the aggregate id and the event's `hour`. */
  hour: string;
  start: Date;
  end: Date;
}

const HOUR_MS = 3_600_000;

export function lastCompleteHour(at: Date): BillingHour {
  const end = new Date(Math.floor(at.getTime() / HOUR_MS) * HOUR_MS);
  const start = new Date(end.getTime() - HOUR_MS);
  return { hour: start.toISOString().slice(0, 13), start, end };
}
