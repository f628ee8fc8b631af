import { create } from '@bufbuild/protobuf';
import { timestampFromDate } from '@bufbuild/protobuf/wkt';
import { schedulerV1 } from '@opsledger/contracts';
import { AggregateNotFound } from '@opsledger/eventstore';
import { type BackupChoice, dailyBackupOn, evolve, initialInstanceState, type InstanceEvent, type InstanceState } from './instance.events';

/** No completed deploy of this instance is known (404). */
export class InstanceNotFound extends AggregateNotFound {}

export interface SetInstanceBackup {
  kind: 'SetInstanceBackup';
  instanceId: string;
  daily: boolean;
  /** The instance's deploy and the backup it asked for, from the lookup; undefined when no deploy of it completed. */
  deploy: BackupChoice | undefined;
  now: Date;
}

export type InstanceCommand = SetInstanceBackup;

/** Switching the backup to what it already is changes nothing. */
export function decide(state: InstanceState, command: InstanceCommand): InstanceEvent[] {
  if (!command.deploy) throw new InstanceNotFound(`instance ${command.instanceId} is not known: no deploy of it has completed`);
  if (dailyBackupOn(command.deploy, state.admin) === command.daily) return [];
  return [
    create(schedulerV1.InstanceBackupChangedSchema, {
      instanceId: command.instanceId,
      daily: command.daily,
      changedAt: timestampFromDate(command.now),
    }),
  ];
}

export const instanceDecider = { initialState: initialInstanceState, evolve, decide };
