import { create } from '@bufbuild/protobuf';
import { timestampFromDate } from '@bufbuild/protobuf/wkt';
import { schedulerV1 } from '@opsledger/contracts';
import { WrongExpectedVersionError } from '@opsledger/eventstore';
import { lastCompleteHour } from '../../domain/billing-hour';
import { billingHourRef } from '../../domain/refs';
import { type JobBody, type JobDeps, SCHEDULER_CONTEXT } from './job';

/**
 * billing.hourly-charge: asks the billing system to charge the last complete
 * hour, by appending HourlyChargeRequested on the hour's own subject with
 * expected version 0. The subject is the idempotency key: every later run in
 * the same hour (every two minutes), a retried attempt, or a Run now finds
 * the hour requested and succeeds without a second charge.
 */
export const hourlyChargeJob =
  (deps: JobDeps): JobBody =>
  async (io) => {
    // From the time the run was meant for, so a late or retried run charges the same hour.
    const { hour, start, end } = lastCompleteHour(io.scheduledAt);
    io.print(`last complete hour: ${hour}:00 UTC (${start.toISOString()} to ${end.toISOString()})`);
    const event = create(schedulerV1.HourlyChargeRequestedSchema, {
      hour,
      hourStart: timestampFromDate(start),
      hourEnd: timestampFromDate(end),
      runId: io.runId,
    });
    try {
      await deps.store.append(billingHourRef(hour), [{ id: deps.newId(), data: event, occurredAt: deps.now() }], 0, SCHEDULER_CONTEXT);
      io.print(`charge requested for ${hour}: HourlyChargeRequested appended`);
    } catch (error) {
      if (!(error instanceof WrongExpectedVersionError)) throw error;
      const [first] = await deps.store.read(billingHourRef(hour));
      const by = (first?.data as schedulerV1.HourlyChargeRequested | undefined)?.runId ?? 'an earlier run';
      io.print(
        by === io.runId
          ? `already requested: ${hour} was requested by an earlier attempt of this run`
          : `already requested: ${hour} was requested by run ${by} at ${first?.occurredAt.toISOString()}; nothing to do`,
      );
    }
  };
