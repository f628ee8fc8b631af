import { emailV1 } from '@opsledger/contracts';
import type { EventStore } from '@opsledger/eventstore';
import { actorSchema, type CommandHandler } from '@opsledger/messaging';
import { commandContext } from '@opsledger/service-runtime';
import { z } from 'zod';
import { TemplateNotFound } from '../domain/template.decider';
import { assertValidTemplate, renderTemplate, sampleData } from '../domain/template-render';
import type { ShippedTemplate } from '../shipped-templates';
import { executeTemplateCommand, loadTemplate, withTemplateErrors } from './execute';
import { contentOf, contentSchema, templateNameSchema } from './schemas';

export interface TemplateDeps {
  store: EventStore;
  newId: () => string;
  now: () => Date;
  /** The templates that ship with the service: what Reset to default restores. */
  shipped: ReadonlyMap<string, ShippedTemplate>;
}

type Def<D extends { command: any; result: any }> = CommandHandler<D['command'], D['result']>;

/** Add Template: a custom template, version 1, checked before it is stored. */
export function createTemplateHandler(deps: TemplateDeps): Def<typeof emailV1.CreateTemplateCommand> {
  return {
    definition: emailV1.CreateTemplateCommand,
    schema: z.object({ actor: actorSchema, name: templateNameSchema, description: z.string().max(500), content: contentSchema }),
    async handle(command, meta) {
      const { events } = await withTemplateErrors(() =>
        executeTemplateCommand(
          deps,
          command.name,
          {
            kind: 'CreateTemplate',
            name: command.name,
            description: command.description.trim(),
            content: contentOf(command.content!),
            now: deps.now(),
          },
          commandContext(command, meta),
        ),
      );
      return { name: command.name, version: await versionAfter(deps.store, command.name, events) };
    },
  };
}

/** Saves a new version; 400 with each problem in place, 409 when someone saved since the editor opened it. */
export function editTemplateHandler(deps: TemplateDeps): Def<typeof emailV1.EditTemplateCommand> {
  return {
    definition: emailV1.EditTemplateCommand,
    schema: z.object({
      actor: actorSchema,
      name: templateNameSchema,
      content: contentSchema,
      expectedVersion: z.number().int().min(1).optional(),
    }),
    async handle(command, meta) {
      const { events } = await withTemplateErrors(() =>
        executeTemplateCommand(
          deps,
          command.name,
          {
            kind: 'EditTemplate',
            content: contentOf(command.content!),
            ...(command.expectedVersion !== undefined ? { expectedVersion: command.expectedVersion } : {}),
            now: deps.now(),
          },
          commandContext(command, meta),
        ),
      );
      return { name: command.name, version: await versionAfter(deps.store, command.name, events) };
    },
  };
}

/** Reset to default: the shipped content as the next version. */
export function resetTemplateHandler(deps: TemplateDeps): Def<typeof emailV1.ResetTemplateCommand> {
  return {
    definition: emailV1.ResetTemplateCommand,
    schema: z.object({ actor: actorSchema, name: templateNameSchema }),
    async handle(command, meta) {
      const { events } = await withTemplateErrors(() =>
        executeTemplateCommand(
          deps,
          command.name,
          { kind: 'ResetTemplate', shipped: deps.shipped.get(command.name)?.content, now: deps.now() },
          commandContext(command, meta),
        ),
      );
      return { name: command.name, version: await versionAfter(deps.store, command.name, events) };
    },
  };
}

/**
 * Renders without sending: the saved version or a draft (checked as a save
 * would check it, so an editor shows the same problems live), with the
 * tokens' samples or the data given.
 */
export function previewTemplateHandler(deps: TemplateDeps): Def<typeof emailV1.PreviewTemplateCommand> {
  return {
    definition: emailV1.PreviewTemplateCommand,
    schema: z.object({
      actor: actorSchema,
      name: templateNameSchema,
      draft: contentSchema.optional(),
      data: z.record(z.string(), z.unknown()).optional(),
    }),
    async handle(command) {
      const { state } = await loadTemplate(deps.store, command.name);
      if (state.status === 'absent' && !command.draft) throw new TemplateNotFound(`no email template ${command.name}`);
      return withTemplateErrors(async () => {
        let content = command.draft ? contentOf(command.draft) : undefined;
        // A shipped template's token schema is the shipped one, whatever a draft declares (as a save would do).
        if (content && state.status === 'present' && state.origin === 'default') content = { ...content, tokens: state.content.tokens };
        if (content) assertValidTemplate(content);
        const used = content ?? (state.status === 'present' ? state.content : undefined)!;
        const rendered = renderTemplate(used, command.data ?? sampleData(used.tokens));
        return { ...rendered, version: content || state.status === 'absent' ? 0 : state.version };
      });
    },
  };
}

/** The template's version after a command: the one its event made, or (it changed nothing) the current one. */
async function versionAfter(store: EventStore, name: string, events: readonly { version: number }[]): Promise<number> {
  const made = events.at(-1)?.version;
  if (made !== undefined) return made;
  const { state } = await loadTemplate(store, name);
  return state.status === 'present' ? state.version : 0;
}
