import type { emailV1 } from '@opsledger/contracts';
import type { TemplateContent } from './template-render';

/** Events of a template, as their protobuf messages (the union lives with the contract). */
export type TemplateEvent = emailV1.TemplateEvent;

export type TemplateState =
  | { status: 'absent' }
  | {
      status: 'present';
      name: string;
      /** `default`: ships with the platform (it has a version to reset to and a fixed token schema); `custom`: added by an operator. */
      origin: 'default' | 'custom';
      description: string;
      /** The template's own version number: 1, 2, 3… one per saved content. */
      version: number;
      content: TemplateContent;
    };

export const initialTemplateState = (): TemplateState => ({ status: 'absent' });

/** The content of an event as the domain reads it (protobuf's message without its $typeName). */
export function contentOf(content: emailV1.TemplateContent | undefined): TemplateContent {
  return {
    subject: content?.subject ?? '',
    html: content?.html ?? '',
    tokens: (content?.tokens ?? []).map((t) => ({ path: t.path, description: t.description, sampleJson: t.sampleJson })),
  };
}

/** Folds one event into the template's state. Pure. */
export function evolve(state: TemplateState, event: TemplateEvent): TemplateState {
  switch (event.$typeName) {
    case 'platform.email.v1.DefaultTemplateRegistered':
    case 'platform.email.v1.TemplateCreated':
      return {
        status: 'present',
        name: event.name,
        origin: event.$typeName === 'platform.email.v1.DefaultTemplateRegistered' ? 'default' : 'custom',
        description: event.description,
        version: event.version,
        content: contentOf(event.content),
      };
    case 'platform.email.v1.TemplateEdited':
    case 'platform.email.v1.TemplateReset':
      return state.status === 'present' ? { ...state, version: event.version, content: contentOf(event.content) } : state;
    default: {
      const never: never = event;
      return never;
    }
  }
}
