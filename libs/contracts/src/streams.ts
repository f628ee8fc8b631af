/**
 * Stream and subject names: the one place they are spelled.
 *
 * An aggregate's events live on one subject, evt.<context>.<aggregate>.<id>,
 * in the stream of its context. Commands go to cmd.<context>.<command>.
 * A prefix (empty in production) namespaces both, so each test gets streams
 * and subjects of its own on a shared NATS server.
 */
import type { Context } from './gen/contexts';

/** Every context with a proto/platform/<context>/ folder, generated from the proto packages. */
export { CONTEXTS, type Context } from './gen/contexts';

export interface AggregateRef {
  context: Context;
  /** Aggregate type, e.g. `task`. */
  type: string;
  id: string;
}

const TOKEN = /^[A-Za-z0-9_-]+$/;

/** Refuses anything that would change a subject's meaning (dots, wildcards, spaces). */
export function assertSubjectToken(name: string, value: string): void {
  if (!TOKEN.test(value)) {
    throw new TypeError(`${name} must match ${TOKEN.source} to be a subject token, got ${JSON.stringify(value)}`);
  }
}

export function streamName(context: Context, prefix = ''): string {
  return `${prefix ? `${prefix.toUpperCase()}_` : ''}${context.toUpperCase()}`;
}

function subjectPrefix(prefix: string): string {
  return prefix ? `${prefix}.` : '';
}

/** All event subjects of a context: the stream's subject filter. */
export function contextEventSubjects(context: Context, prefix = ''): string {
  return `${subjectPrefix(prefix)}evt.${context}.>`;
}

export function aggregateSubject(ref: AggregateRef, prefix = ''): string {
  assertSubjectToken('aggregate type', ref.type);
  assertSubjectToken('aggregate id', ref.id);
  return `${subjectPrefix(prefix)}evt.${ref.context}.${ref.type}.${ref.id}`;
}

/** The aggregate id is the last token of its subject. */
export function aggregateIdOf(subject: string): string {
  return subject.slice(subject.lastIndexOf('.') + 1);
}

export function commandSubject(context: Context, command: string, prefix = ''): string {
  assertSubjectToken('command', command);
  return `${subjectPrefix(prefix)}cmd.${context}.${command}`;
}
