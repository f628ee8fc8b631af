import { type AppendContext, type EventStore, handleCommand, type HandleCommandDeps } from '@opsledger/eventstore';
import { type Violation, ValidationError } from '@opsledger/messaging';
import { type EmailCommand, emailDecider } from '../domain/email.decider';
import type { EmailEvent } from '../domain/email.events';
import { type ChangeEmailSettings, emailSettingsDecider } from '../domain/email-settings.decider';
import { emailRef, settingsSectionRef, templateRef } from '../domain/refs';
import { type TemplateCommand, templateDecider } from '../domain/template.decider';
import type { TemplateEvent } from '../domain/template.events';
import { InvalidTemplate, RenderFailure } from '../domain/template-render';

/** A command to one template, through the shared load → decide → append. */
export const executeTemplateCommand = (deps: HandleCommandDeps, name: string, command: TemplateCommand, ctx: AppendContext) =>
  handleCommand(deps, templateRef(name), templateDecider, command, ctx);

/** A command to one email. */
export const executeEmailCommand = (deps: HandleCommandDeps, emailId: string, command: EmailCommand, ctx: AppendContext) =>
  handleCommand(deps, emailRef(emailId), emailDecider, command, ctx);

/** A change of the Email section of the settings (on SETTINGS: evt.settings.section.email). */
export const executeEmailSettingsCommand = (deps: HandleCommandDeps, command: ChangeEmailSettings, ctx: AppendContext) =>
  handleCommand(deps, settingsSectionRef('email'), emailSettingsDecider, command, ctx);

/** The template's state as its decider sees it. */
export const loadTemplate = (store: EventStore, name: string) =>
  store.load(templateRef(name), {
    initialState: templateDecider.initialState,
    evolve: (state, event) => templateDecider.evolve(state, event.data as TemplateEvent),
  });

export const loadEmail = (store: EventStore, emailId: string) =>
  store.load(emailRef(emailId), {
    initialState: emailDecider.initialState,
    evolve: (state, event) => emailDecider.evolve(state, event.data as EmailEvent),
  });

/** A violation that also says where in the template, so an editor can put it in place. */
export interface TemplateViolation extends Violation {
  line?: number;
  column?: number;
}

/**
 * The template checks' refusals as what a caller gets over NATS: a
 * validation error (400) with each problem as a violation naming the field
 * (subject, html, tokens.<i>.path), the rule, and its line and column.
 */
export async function withTemplateErrors<T>(work: () => Promise<T>, renderField = 'data'): Promise<T> {
  try {
    return await work();
  } catch (error) {
    if (error instanceof InvalidTemplate)
      throw new ValidationError(
        error.problems.map((p): TemplateViolation => ({
          field: p.field,
          rule: p.rule,
          message: p.message,
          line: p.line,
          column: p.column,
        })),
      );
    if (error instanceof RenderFailure) {
      const where = error.line
        ? ` (${error.field} line ${error.line}${error.column ? `, column ${error.column}` : ''})`
        : ` (${error.field})`;
      throw new ValidationError([{ field: renderField, rule: 'render', message: `${error.message}${where}` }]);
    }
    throw error;
  }
}
