import { type AppendContext, handleCommand, type HandleCommandDeps } from '@opsledger/eventstore';
import { decide, evolve, initialServiceState, type ServiceCommand } from '../domain/service.decider';
import { serviceRef } from './refs';

export type ServiceCommandDeps = HandleCommandDeps;

const serviceDecider = { initialState: initialServiceState, evolve, decide };

/** A command to one hosting account, through the shared load → decide → append. */
export const executeServiceCommand = (deps: ServiceCommandDeps, serviceId: string, command: ServiceCommand, ctx: AppendContext) =>
  handleCommand(deps, serviceRef(serviceId), serviceDecider, command, ctx);
