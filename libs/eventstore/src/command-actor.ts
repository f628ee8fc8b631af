import { type Actor, ActorKind, Source } from '@opsledger/contracts';
import type { ActorRef, EventSource } from './event';

const KINDS: Record<ActorKind, ActorRef['kind'] | undefined> = {
  [ActorKind.UNSPECIFIED]: undefined,
  [ActorKind.STAFF]: 'staff',
  [ActorKind.CUSTOMER]: 'customer',
  [ActorKind.SYSTEM]: 'system',
};

const SOURCES: Record<Source, EventSource> = {
  [Source.UNSPECIFIED]: 'system',
  [Source.CONSOLE]: 'console',
  [Source.API]: 'api',
  [Source.CLI]: 'cli',
  [Source.SYSTEM]: 'system',
};

/** The command's actor as the Ops-Actor of the events it causes (validated as present before this). */
export function actorOf(actor: Actor | undefined): ActorRef {
  const kind = actor ? KINDS[actor.kind] : undefined;
  if (!actor || !kind) throw new Error('command has no actor');
  return { kind, id: actor.userId };
}

export function sourceOf(source: Source): EventSource {
  return SOURCES[source];
}
