import { create } from '@bufbuild/protobuf';
import { timestampFromDate } from '@bufbuild/protobuf/wkt';
import { provisioningV1 } from '@opsledger/contracts';
import { RuleViolation } from '@opsledger/eventstore';
import type { PanelServerCommand } from './panel-server.commands';
import { evolve, initialPanelServerState, type PanelServerEvent, type PanelServerState } from './panel-server.events';

export type { PanelServerCommand } from './panel-server.commands';

/** A rule refused the command; the message says which, for the operator (409). */
export class PanelServerRuleViolation extends RuleViolation {}

/** A panel server is registered once; its id is fresh, so a second registration is a bug, never a retry. */
export function decide(state: PanelServerState, command: PanelServerCommand): PanelServerEvent[] {
  const at = timestampFromDate(command.now);
  switch (command.kind) {
    case 'RegisterPanelServer': {
      if (state.status !== 'absent') throw new PanelServerRuleViolation(`panel server ${command.panelServerId} already exists`);
      const { kind: _kind, now: _now, ...fields } = command;
      return [create(provisioningV1.PanelServerRegisteredSchema, { ...fields, at })];
    }
    default: {
      // One command so far: TypeScript narrows its tag, not the lone object, to never.
      const never: never = command.kind;
      throw new Error(`unknown command ${JSON.stringify(never)}`);
    }
  }
}

/** The panel server's rules as one value: what handleCommand runs and what the specs state. */
export const panelServerDecider = { initialState: initialPanelServerState, evolve, decide };
