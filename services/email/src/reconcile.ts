import type { EventStore } from '@opsledger/eventstore';
import { executeTemplateCommand } from './commands/execute';
import type { ShippedTemplate } from './shipped-templates';

const SYSTEM = { actor: { kind: 'system' as const, id: 'email' }, source: 'system' as const };

/**
 * Seeds the templates that ship with the service as version 1, the ones
 * missing only (a template already there is the operator's, whatever its
 * version). Idempotent: run at every start.
 */
export async function registerShippedTemplates(
  deps: { store: EventStore; newId: () => string; now: () => Date },
  shipped: ReadonlyMap<string, ShippedTemplate>,
  signal: AbortSignal,
): Promise<void> {
  for (const template of shipped.values()) {
    if (signal.aborted) return;
    await executeTemplateCommand(
      deps,
      template.name,
      { kind: 'RegisterDefault', name: template.name, description: template.description, content: template.content, now: deps.now() },
      SYSTEM,
    );
  }
}
