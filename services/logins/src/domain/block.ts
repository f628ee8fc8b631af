import { create } from '@bufbuild/protobuf';
import { timestampDate, timestampFromDate } from '@bufbuild/protobuf/wkt';
import { type loginsV1, loginsV1 as logins } from '@opsledger/contracts';
import { AggregateNotFound, RuleViolation } from '@opsledger/eventstore';

/** A brute-force block (evt.logins.block.<id>): raised by the detection, lifted early by an admin or ended by its cool-down. */
export type BlockEvent = loginsV1.BlockEvent;
export type BlockState =
  { status: 'none' } | { status: 'active' | 'lifted'; blockId: string; scope: string; key: string; blockedUntil: Date };

export interface LiftLoginBlock {
  kind: 'LiftLoginBlock';
  blockId: string;
  now: Date;
}

export function evolve(state: BlockState, event: BlockEvent): BlockState {
  if (event.$typeName === logins.LoginAttackSuspectedSchema.typeName)
    return {
      status: 'active',
      blockId: event.blockId,
      scope: event.scope,
      key: event.key,
      blockedUntil: event.blockedUntil ? timestampDate(event.blockedUntil) : new Date(0),
    };
  return state.status === 'none' ? state : { ...state, status: 'lifted' };
}

/** Lifting: only a block that exists and still holds; one already lifted or run out says so (409). */
export function decide(state: BlockState, command: LiftLoginBlock): BlockEvent[] {
  if (state.status === 'none') throw new AggregateNotFound(`block ${command.blockId} not found`);
  if (state.status === 'lifted') throw new RuleViolation(`block ${command.blockId} was already lifted`);
  if (state.blockedUntil <= command.now)
    throw new RuleViolation(`block ${command.blockId} already ended at ${state.blockedUntil.toISOString()}`);
  return [
    create(logins.LoginBlockLiftedSchema, {
      blockId: state.blockId,
      scope: state.scope,
      key: state.key,
      at: timestampFromDate(command.now),
    }),
  ];
}

export const blockDecider = { initialState: (): BlockState => ({ status: 'none' }), evolve, decide };
