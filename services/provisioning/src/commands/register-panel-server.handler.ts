import { provisioningV1 } from '@opsledger/contracts';
import type { EventStore } from '@opsledger/eventstore';
import { actorSchema, type CommandHandler } from '@opsledger/messaging';
import { commandContext, creationIds } from '@opsledger/service-runtime';
import { z } from 'zod';
import type { SecretBox } from '../domain/secret-box';
import { executePanelServerCommand } from './execute-panel-server-command';

export interface PanelServerDeps {
  store: EventStore;
  secrets: SecretBox;
  newId: () => string;
  now: () => Date;
}

export const DEFAULT_PANEL_TIMEOUT_MS = 30_000;

export const registerPanelServerSchema = z.object({
  actor: actorSchema,
  name: z.string().trim().min(1).max(100),
  // Credentials belong in apiToken, which is sealed; a URL is stored and shown as it is.
  // zod runs the refinement even when the format check failed: an unparsable value is that check's to report.
  apiUrl: z.url({ protocol: /^https?$/, error: 'must be an http(s) URL, e.g. https://panel.example:2087' }).refine((u) => {
    if (!URL.canParse(u)) return true;
    const url = new URL(u);
    return !url.username && !url.password && !url.search;
  }, 'must not carry credentials or a query string: put the token in apiToken'),
  // It travels in an HTTP header: printable ASCII without spaces, so no header error can echo it.
  apiToken: z
    .string()
    .min(1)
    .max(4096)
    .regex(/^[\x21-\x7e]+$/, 'printable characters only, no spaces or line breaks'),
  tlsVerify: z.boolean().optional(),
  // Two calls of this length (a lookup, then the action) fit in the attempt activity's 150 s start-to-close.
  timeoutMs: z.number().int().min(1_000, 'at least 1000 ms').max(60_000, 'at most 60000 ms').optional(),
});

/** Registers a hosting panel; its token is sealed before it is stored and never comes back. */
export function registerPanelServerHandler(
  deps: PanelServerDeps,
): CommandHandler<typeof provisioningV1.RegisterPanelServerCommand.command, typeof provisioningV1.RegisterPanelServerCommand.result> {
  return {
    definition: provisioningV1.RegisterPanelServerCommand,
    schema: registerPanelServerSchema,
    async handle(command, meta) {
      // With an Idempotency-Key the id comes from it: a retry of the same request finds the panel server it made.
      const { aggregateId: panelServerId, idempotent } = creationIds(
        provisioningV1.RegisterPanelServerCommand.command,
        command,
        meta,
        deps.newId,
      );
      await executePanelServerCommand(
        deps,
        panelServerId,
        {
          kind: 'RegisterPanelServer',
          panelServerId,
          name: command.name.trim(),
          apiUrl: command.apiUrl.replace(/\/+$/, ''),
          // Sealed here, before the domain sees it: the clear token is never in a command, state or event.
          apiTokenCiphertext: deps.secrets.seal(command.apiToken),
          tlsVerify: command.tlsVerify ?? true,
          timeoutMs: command.timeoutMs ?? DEFAULT_PANEL_TIMEOUT_MS,
          now: deps.now(),
        },
        commandContext(command, meta),
        idempotent,
      );
      return { panelServerId };
    },
  };
}
