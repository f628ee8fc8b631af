import { create } from '@bufbuild/protobuf';
import { timestampFromDate } from '@bufbuild/protobuf/wkt';
import { emailV1 } from '@opsledger/contracts';
import { AggregateNotFound, RuleViolation } from '@opsledger/eventstore';
import type { TemplateCommand } from './template.commands';
import { evolve, initialTemplateState, type TemplateEvent, type TemplateState } from './template.events';
import { assertValidTemplate, type TemplateContent } from './template-render';

export type { TemplateCommand } from './template.commands';

/** A rule refused the command; the message says which, for the operator (409). */
export class TemplateRuleViolation extends RuleViolation {}

/** No template of that name (404). */
export class TemplateNotFound extends AggregateNotFound {}

const sameContent = (a: TemplateContent, b: TemplateContent) => JSON.stringify(a) === JSON.stringify(b);
const message = (content: TemplateContent) => create(emailV1.TemplateContentSchema, { ...content, tokens: [...content.tokens] });

/**
 * Rules of a template: a name is taken once; every saved content passes the
 * template checks first (syntax, declared tokens, renders with its samples —
 * InvalidTemplate otherwise, which callers answer as 400); each save is the
 * next version, and saving what is already current makes none; a template
 * that ships with the platform keeps its shipped token schema (the platform
 * sends exactly those tokens) and can be reset to its shipped content as a
 * new version; a custom one has no default to reset to, and resetting one that already holds its shipped
 * content changes nothing.
 */
export function decide(state: TemplateState, command: TemplateCommand): TemplateEvent[] {
  const at = timestampFromDate(command.now);
  switch (command.kind) {
    case 'RegisterDefault': {
      // The start-up reconcile registers what is missing; a template already there is the operator's.
      if (state.status === 'present') return [];
      assertValidTemplate(command.content);
      const { name, description } = command;
      return [create(emailV1.DefaultTemplateRegisteredSchema, { name, description, content: message(command.content), version: 1, at })];
    }
    case 'CreateTemplate': {
      if (state.status === 'present') throw new TemplateRuleViolation(`a template named ${command.name} already exists`);
      assertValidTemplate(command.content);
      const { name, description } = command;
      return [create(emailV1.TemplateCreatedSchema, { name, description, content: message(command.content), version: 1, at })];
    }
    case 'EditTemplate': {
      if (state.status === 'absent') throw new TemplateNotFound('template not found');
      if (command.expectedVersion !== undefined && command.expectedVersion !== state.version)
        throw new TemplateRuleViolation(
          `${state.name} was saved by someone else since you opened it (now version ${state.version}, you edited version ${command.expectedVersion}): reload it and apply your change again`,
        );
      const content = state.origin === 'default' ? { ...command.content, tokens: state.content.tokens } : command.content;
      assertValidTemplate(content);
      if (sameContent(content, state.content)) return [];
      return [create(emailV1.TemplateEditedSchema, { name: state.name, content: message(content), version: state.version + 1, at })];
    }
    case 'ResetTemplate': {
      if (state.status === 'absent') throw new TemplateNotFound('template not found');
      if (state.origin !== 'default' || !command.shipped)
        throw new TemplateRuleViolation(`${state.name} is a custom template: it has no shipped version to reset to`);
      // The shipped text is the release's: it is checked like any save, so a broken file cannot be restored.
      assertValidTemplate(command.shipped);
      if (sameContent(command.shipped, state.content)) return [];
      return [create(emailV1.TemplateResetSchema, { name: state.name, content: message(command.shipped), version: state.version + 1, at })];
    }
    default: {
      const never: never = command;
      throw new Error(`unknown command ${JSON.stringify(never)}`);
    }
  }
}

/** The template's rules as one value: what handleCommand runs and what the specs state. */
export const templateDecider = { initialState: initialTemplateState, evolve, decide };
