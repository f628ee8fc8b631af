import { create } from '@bufbuild/protobuf';
import { timestampFromDate } from '@bufbuild/protobuf/wkt';
import { provisioningV1 } from '@opsledger/contracts';
import type { AppendContext, EventStore } from '@opsledger/eventstore';
import type { SecretBox } from '../domain/secret-box';
import { panelServerRef } from './refs';

export interface NewPanelServer {
  panelServerId: string;
  name: string;
  apiUrl: string;
  apiToken: string;
  tlsVerify: boolean;
  timeoutMs: number;
}

/** Registers a panel server; its API token enters the event only sealed. */
export async function registerPanelServer(
  deps: { store: EventStore; secrets: SecretBox; newId: () => string; now: () => Date },
  server: NewPanelServer,
  ctx: AppendContext,
) {
  const { apiToken, ...fields } = server;
  const at = deps.now();
  const data = create(provisioningV1.PanelServerRegisteredSchema, {
    ...fields,
    apiTokenCiphertext: deps.secrets.seal(apiToken),
    at: timestampFromDate(at),
  });
  return deps.store.append(panelServerRef(server.panelServerId), [{ id: deps.newId(), data, occurredAt: at }], 0, ctx);
}
