import { handleCommand, type HandleCommandDeps } from '@opsledger/eventstore';
import { schedulerV1 } from '@opsledger/contracts';
import { actorSchema, type CommandHandler, opaqueIdSchema } from '@opsledger/messaging';
import { commandContext } from '@opsledger/service-runtime';
import type { Kysely } from 'kysely';
import { z } from 'zod';
import { instanceDecider } from '../domain/instance.decider';
import { instanceRef } from '../domain/refs';
import { deployBackupOf, type SchedulerTables } from '../projections/private-tables';

export interface SetInstanceBackupDeps extends HandleCommandDeps {
  now: () => Date;
  /** The scheduler's private schema: the instances lookup. */
  db: Kysely<SchedulerTables>;
}

/**
 * An admin switches an instance's daily backup on or off. The instance must
 * be known (a deploy of it completed, 404 otherwise); switching it to what it
 * already is changes nothing. The daily snapshot job reads the switch.
 */
export function setInstanceBackupHandler(
  deps: SetInstanceBackupDeps,
): CommandHandler<typeof schedulerV1.SetInstanceBackupCommand.command, typeof schedulerV1.SetInstanceBackupCommand.result> {
  return {
    definition: schedulerV1.SetInstanceBackupCommand,
    schema: z.object({ actor: actorSchema, instanceId: opaqueIdSchema, daily: z.boolean() }),
    async handle(command, meta) {
      const deploy = await deployBackupOf(deps.db, command.instanceId);
      await handleCommand(
        deps,
        instanceRef(command.instanceId),
        instanceDecider,
        { kind: 'SetInstanceBackup', instanceId: command.instanceId, daily: command.daily, deploy, now: deps.now() },
        commandContext(command, meta),
      );
      return { instanceId: command.instanceId, daily: command.daily };
    },
  };
}
