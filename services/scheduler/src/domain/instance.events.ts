import { timestampDate } from '@bufbuild/protobuf/wkt';
import type { schedulerV1 } from '@opsledger/contracts';

/** An admin's switch of an instance's daily backup (evt.scheduler.instance.<instance id>). */
export type InstanceEvent = schedulerV1.InstanceEvent;

/** The last admin choice, with when it was made; undefined until an admin chose. */
export interface InstanceState {
  admin: { daily: boolean; at: Date } | undefined;
}

export const initialInstanceState = (): InstanceState => ({ admin: undefined });

export function evolve(_state: InstanceState, event: InstanceEvent): InstanceState {
  return { admin: { daily: event.daily, at: event.changedAt ? timestampDate(event.changedAt) : new Date(0) } };
}

/** A choice about the backup and when it was made: a deploy's params.backup or an admin's switch. */
export interface BackupChoice {
  daily: boolean;
  at: Date;
}

/**
 * Whether an instance's daily backup is on: the later of its deploy's choice
 * and an admin's wins, whichever stream it came from, so the answer does not
 * depend on the order two projections happened to apply them.
 */
export function dailyBackupOn(deploy: BackupChoice, admin: BackupChoice | undefined): boolean {
  return admin && admin.at.getTime() >= deploy.at.getTime() ? admin.daily : deploy.daily;
}
