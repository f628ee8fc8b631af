import { create } from '@bufbuild/protobuf';
import { timestampFromDate } from '@bufbuild/protobuf/wkt';
import { provisioningV1 } from '@opsledger/contracts';
import { deciderSpec } from '@opsledger/testing/decider-spec';
import { describe, expect, it } from 'vitest';
import { type PanelServerCommand, panelServerDecider, PanelServerRuleViolation } from './panel-server.decider';
import { evolve, initialPanelServerState } from './panel-server.events';

const given = deciderSpec(panelServerDecider);
const now = new Date('2026-11-21T10:00:00Z');
const at = timestampFromDate(now);
const fields = {
  panelServerId: 'p1',
  name: 'Panel one',
  apiUrl: 'https://panel.example:2087',
  apiTokenCiphertext: 'v1.sealed-token',
  tlsVerify: true,
  timeoutMs: 30_000,
};

const register: PanelServerCommand = { kind: 'RegisterPanelServer', ...fields, now };
const registered = create(provisioningV1.PanelServerRegisteredSchema, { ...fields, at });

describe('panel server decider', () => {
  it('a new panel server is registered with its token as sealed', () => {
    given([]).when(register).then([registered]);
  });

  it('registering the same id twice is refused', () => {
    given([registered])
      .when(register)
      .thenThrows(PanelServerRuleViolation, /panel server p1 already exists/);
  });
});

describe('panel server evolve', () => {
  it('registered → what the worker needs to call it, the token still sealed', () => {
    expect(evolve(initialPanelServerState(), registered)).toEqual({ status: 'registered', ...fields });
  });
});
