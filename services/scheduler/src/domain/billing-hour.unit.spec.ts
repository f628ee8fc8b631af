import { describe, expect, it } from 'vitest';
import { lastCompleteHour } from './billing-hour';

describe('the billed hour is the last complete one, in UTC', () => {
  it.each([
    ['2026-11-23T08:31:16Z', '2026-11-23T07', '2026-11-23T07:00:00.000Z', '2026-11-23T08:00:00.000Z'],
    ['2026-11-23T08:00:00Z', '2026-11-23T07', '2026-11-23T07:00:00.000Z', '2026-11-23T08:00:00.000Z'],
    ['2026-11-23T07:59:59.999Z', '2026-11-23T06', '2026-11-23T06:00:00.000Z', '2026-11-23T07:00:00.000Z'],
    ['2026-01-01T00:10:00Z', '2025-12-31T23', '2025-12-31T23:00:00.000Z', '2026-01-01T00:00:00.000Z'],
  ])('at %s: %s', (at, hour, start, end) => {
    const h = lastCompleteHour(new Date(at));
    expect({ hour: h.hour, start: h.start.toISOString(), end: h.end.toISOString() }).toEqual({ hour, start, end });
  });
});
