import type { EventStore } from '@opsledger/eventstore';
import { withDomainErrorReplies } from '@opsledger/service-runtime';
import type { Kysely } from 'kysely';
import type { ProviderSettings } from '../activities/provider';
import type { SecretBox } from '../domain/secret-box';
import type { ShippedTemplate } from '../shipped-templates';
import { changeEmailSettingsHandler } from './change-email-settings.handler';
import { pruneEmailLogHandler, type PruneEmailLogDeps } from './prune-email-log.handler';
import { sendEmailHandler } from './send-email.handler';
import { sendTestEmailHandler } from './send-test-email.handler';
import { createTemplateHandler, editTemplateHandler, previewTemplateHandler, resetTemplateHandler } from './template.handlers';

export interface EmailCommandDeps {
  store: EventStore;
  secrets: SecretBox;
  newId: () => string;
  now: () => Date;
  shipped: ReadonlyMap<string, ShippedTemplate>;
  /** The service's private schema. */
  db: Kysely<any>;
  testWaitMs: number;
  provider: () => Promise<ProviderSettings>;
  /** Settings → Retention's Email Log prune (the email.retention job). */
  prune: PruneEmailLogDeps;
}

/**
 * Every command the email service answers on NATS: its own (cmd.email.*)
 * and the Email section of the settings (cmd.settings.change-email-settings),
 * and the Email Log's retention prune (cmd.email.prune-email-log).
 * Each answers a decider's refusal as 409/404 the way the service runtime does.
 */
export function emailCommandHandlers(deps: EmailCommandDeps) {
  return [
    sendEmailHandler(deps),
    createTemplateHandler(deps),
    editTemplateHandler(deps),
    resetTemplateHandler(deps),
    previewTemplateHandler(deps),
    sendTestEmailHandler({ ...deps, waitMs: deps.testWaitMs }),
    changeEmailSettingsHandler(deps),
    pruneEmailLogHandler(deps.prune),
  ].map(withDomainErrorReplies);
}
