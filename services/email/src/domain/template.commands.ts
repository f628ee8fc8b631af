import type { TemplateContent } from './template-render';

/**
 * Commands a template decides on. Time is given, never read from a clock.
 * The shipped content (of a template that ships with the platform) is read
 * from the service's files by the caller and given, so the decider stays pure.
 */
export type TemplateCommand =
  | { kind: 'RegisterDefault'; name: string; description: string; content: TemplateContent; now: Date }
  | { kind: 'CreateTemplate'; name: string; description: string; content: TemplateContent; now: Date }
  | { kind: 'EditTemplate'; content: TemplateContent; expectedVersion?: number; now: Date }
  | { kind: 'ResetTemplate'; shipped: TemplateContent | undefined; now: Date };
