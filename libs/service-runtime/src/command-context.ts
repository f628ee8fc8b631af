import type { Actor, Source } from '@opsledger/contracts';
import { actorOf, type AppendContext, sourceOf } from '@opsledger/eventstore';
import type { CommandMeta } from '@opsledger/messaging';

/** Who sent a command, through which door and as part of what (its correlation id), as the context of the events it appends. */
export function commandContext(command: { actor?: Actor | undefined; source?: Source }, meta: CommandMeta): AppendContext {
  return {
    actor: actorOf(command.actor),
    source: sourceOf(command.source ?? 0),
    traceparent: meta.traceparent,
    ...(meta.correlationId ? { correlationId: meta.correlationId } : {}),
    ...(meta.clientIp ? { clientIp: meta.clientIp } : {}),
  };
}
