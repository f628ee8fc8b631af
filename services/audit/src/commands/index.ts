import { timestampFromDate } from '@bufbuild/protobuf/wkt';
import { auditV1, settingsV1 } from '@opsledger/contracts';
import { type EventStore, handleCommand } from '@opsledger/eventstore';
import { actorSchema, type CommandHandler } from '@opsledger/messaging';
import { commandContext } from '@opsledger/service-runtime';
import { z } from 'zod';
import type { AuditChain } from '../chain/chain-store';
import { retentionSectionRef } from '../domain/refs';
import { RETENTION_RANGES, retentionDecider } from '../domain/retention.decider';

export interface AuditCommandDeps {
  store: EventStore;
  chain: AuditChain;
  newId: () => string;
  now: () => Date;
}

const DAY_MS = 86_400_000;

/** Settings → Retention as saved (the defaults until an admin saves it). */
export const loadRetention = (store: EventStore) =>
  store.load(retentionSectionRef, {
    initialState: retentionDecider.initialState,
    evolve: (state, event) => retentionDecider.evolve(state, event.data as settingsV1.SectionEvent),
  });

const days = (range: { min: number; max: number }) =>
  z
    .number()
    .int('must be a whole number of days')
    .min(range.min, `must be at least ${range.min} days`)
    .max(range.max, `must be at most ${range.max} days`);

export const changeRetentionSchema = z.object({
  actor: actorSchema,
  auditDays: days(RETENTION_RANGES.auditDays),
  emailLogDays: days(RETENTION_RANGES.emailLogDays),
  ipLogDays: days(RETENTION_RANGES.ipLogDays),
});

/** Settings → Retention: validated, decided, appended on evt.settings.section.retention (and so audited as setting.edit). */
export function changeRetentionSettingsHandler(
  deps: AuditCommandDeps,
): CommandHandler<typeof settingsV1.ChangeRetentionSettingsCommand.command, typeof settingsV1.ChangeRetentionSettingsCommand.result> {
  return {
    definition: settingsV1.ChangeRetentionSettingsCommand,
    schema: changeRetentionSchema,
    async handle(command, meta) {
      const { version } = await handleCommand(
        deps,
        retentionSectionRef,
        retentionDecider,
        {
          kind: 'ChangeRetentionSettings',
          auditDays: command.auditDays,
          emailLogDays: command.emailLogDays,
          ipLogDays: command.ipLogDays,
          now: deps.now(),
        },
        commandContext(command, meta),
      );
      return { section: 'retention', version: BigInt(version) };
    },
  };
}

/** The audit.retention job's command: entries older than Settings → Retention's audit days leave the stream, behind a checkpoint. */
export function pruneAuditLogHandler(
  deps: AuditCommandDeps,
): CommandHandler<typeof auditV1.PruneAuditLogCommand.command, typeof auditV1.PruneAuditLogCommand.result> {
  return {
    definition: auditV1.PruneAuditLogCommand,
    schema: z.object({ actor: actorSchema }),
    async handle(command, meta) {
      const { state } = await loadRetention(deps.store);
      const cutoff = new Date(deps.now().getTime() - state.auditDays * DAY_MS);
      const outcome = await deps.chain.prune(cutoff, commandContext(command, meta));
      return { entriesRemoved: BigInt(outcome.entriesRemoved), throughSequence: outcome.throughSequence };
    },
  };
}

/** Walks the chain and answers the first entry that does not verify (read only). */
export function verifyAuditChainHandler(
  deps: AuditCommandDeps,
): CommandHandler<typeof auditV1.VerifyAuditChainCommand.command, typeof auditV1.VerifyAuditChainCommand.result> {
  return {
    definition: auditV1.VerifyAuditChainCommand,
    schema: z.object({}),
    async handle() {
      const v = await deps.chain.verify();
      return {
        ok: v.ok,
        entriesChecked: BigInt(v.entriesChecked),
        firstBadSequence: v.firstBad?.sequence ?? 0n,
        firstBadEntryId: v.firstBad?.entryId ?? '',
        reason: v.firstBad?.reason ?? '',
        lastSequence: v.lastSequence,
        checkpointSequence: v.checkpointSequence,
        verifiedAt: timestampFromDate(deps.now()),
      };
    },
  };
}

export const auditCommandHandlers = (deps: AuditCommandDeps): CommandHandler[] => [
  changeRetentionSettingsHandler(deps),
  pruneAuditLogHandler(deps),
  verifyAuditChainHandler(deps),
];
