import { emailV1 } from '@opsledger/contracts';
import { actorSchema, type CommandHandler } from '@opsledger/messaging';
import { commandContext } from '@opsledger/service-runtime';
import { setTimeout as sleep } from 'node:timers/promises';
import { z } from 'zod';
import { TemplateNotFound } from '../domain/template.decider';
import { sampleData } from '../domain/template-render';
import type { ProviderSettings } from '../activities/provider';
import { loadEmail, loadTemplate, withTemplateErrors } from './execute';
import { queueEmail, type QueueDeps } from './queue-email';
import { recipientSchema, templateNameSchema } from './schemas';

export interface SendTestDeps extends QueueDeps {
  /** How long to wait for the provider's answer before answering "queued" (within the caller's command timeout). */
  waitMs: number;
  /** The provider the next send uses, for the settings test's own lines. */
  provider: () => Promise<ProviderSettings>;
}

/** The Send test of Settings → Email: the settings.test template, with what is being tested in it. */
export const SETTINGS_TEST_TEMPLATE = 'settings.test';

/**
 * Send test: the template's saved version rendered with its sample data,
 * queued as a test email and delivered through the real provider path (the
 * same workflow as every email); the answer waits a few seconds for the
 * provider's: a credential error or a rejected address shows at once.
 */
export function sendTestEmailHandler(
  deps: SendTestDeps,
): CommandHandler<typeof emailV1.SendTestEmailCommand.command, typeof emailV1.SendTestEmailCommand.result> {
  return {
    definition: emailV1.SendTestEmailCommand,
    schema: z.object({ actor: actorSchema, template: templateNameSchema, to: recipientSchema }),
    async handle(command, meta) {
      const { state: template } = await loadTemplate(deps.store, command.template);
      if (template.status === 'absent') throw new TemplateNotFound(`no email template ${command.template}`);
      let data = sampleData(template.content.tokens);
      if (command.template === SETTINGS_TEST_TEMPLATE) {
        const provider = await deps.provider().catch(() => undefined);
        data = {
          ...data,
          sent: { at: `${deps.now().toISOString().slice(0, 16).replace('T', ' ')} UTC` },
          provider: { region: provider?.region ?? '?', sender: provider?.sender ?? '?' },
        };
      }
      const { emailId } = await withTemplateErrors(() =>
        queueEmail(deps, { template: command.template, to: command.to, data, test: true }, commandContext(command, meta)),
      );
      const deadline = Date.now() + deps.waitMs;
      for (;;) {
        const { state } = await loadEmail(deps.store, emailId);
        const done = state.status === 'sent' || state.status === 'failed';
        if (done || Date.now() >= deadline) {
          if (state.status === 'absent') return { emailId, status: 'queued' };
          const retrying = state.status === 'queued' && state.failedAttempts > 0;
          return {
            emailId,
            status: retrying ? 'retrying' : state.status,
            providerMessageId: state.outcome?.providerMessageId ?? '',
            providerCode: state.outcome?.providerCode ?? '',
            providerMessage: state.outcome?.providerMessage ?? '',
            responseCode: state.outcome?.responseCode ?? 0,
            permanent: state.outcome?.permanent ?? false,
          };
        }
        await sleep(150);
      }
    },
  };
}
