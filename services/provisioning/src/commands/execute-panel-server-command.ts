import { type AppendContext, type EventStore, handleCommand, type HandleCommandDeps, type IdempotentCreate } from '@opsledger/eventstore';
import { type PanelServerCommand, panelServerDecider } from '../domain/panel-server.decider';
import type { PanelServerEvent } from '../domain/panel-server.events';
import { panelServerRef } from '../domain/refs';

/** A command to one panel server, through the shared load → decide → append. */
export const executePanelServerCommand = (
  deps: HandleCommandDeps,
  panelServerId: string,
  command: PanelServerCommand,
  ctx: AppendContext,
  idempotent?: IdempotentCreate,
) => handleCommand(deps, panelServerRef(panelServerId), panelServerDecider, command, ctx, idempotent);

/** The panel server's state as its decider sees it, for the worker that calls it. */
export const loadPanelServer = (store: EventStore, panelServerId: string) =>
  store.load(panelServerRef(panelServerId), {
    initialState: panelServerDecider.initialState,
    evolve: (state, event) => panelServerDecider.evolve(state, event.data as PanelServerEvent),
  });
