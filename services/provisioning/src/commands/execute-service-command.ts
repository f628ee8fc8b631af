import { type AppendContext, type EventStore, handleCommand, type HandleCommandDeps, type IdempotentCreate } from '@opsledger/eventstore';
import { type ServiceCommand, serviceDecider } from '../domain/service.decider';
import type { ServiceEvent } from '../domain/service.events';
import { serviceRef } from '../domain/refs';

export type ServiceCommandDeps = HandleCommandDeps;

/** A command to one hosting account, through the shared load → decide → append. */
export const executeServiceCommand = (
  deps: ServiceCommandDeps,
  serviceId: string,
  command: ServiceCommand,
  ctx: AppendContext,
  idempotent?: IdempotentCreate,
) => handleCommand(deps, serviceRef(serviceId), serviceDecider, command, ctx, idempotent);

/** The account's state as its decider sees it, for a reader outside a command (the worker, before it calls the panel). */
export const loadService = (store: EventStore, serviceId: string) =>
  store.load(serviceRef(serviceId), {
    initialState: serviceDecider.initialState,
    evolve: (state, event) => serviceDecider.evolve(state, event.data as ServiceEvent),
  });
