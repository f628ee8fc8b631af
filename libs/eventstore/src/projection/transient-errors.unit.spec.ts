import { describe, expect, it } from 'vitest';
import { isTransientError } from './transient-errors';

const grpc = (code: number) => Object.assign(new Error(`grpc ${code}`), { code, details: 'x', metadata: {} });
const wrapped = (cause: Error) => Object.assign(new Error('Failed to start Workflow'), { cause });
const pg = (code: string) => Object.assign(new Error(`pg ${code}`), { code });

describe('isTransientError: retried from the checkpoint, never dead-lettered', () => {
  it.each([
    ['Temporal unavailable, wrapped by the client', wrapped(grpc(14)), true],
    ['deadline exceeded', wrapped(grpc(4)), true],
    ['resource exhausted', grpc(8), true],
    ['a namespace that does not exist: the environment is wrong', wrapped(grpc(5)), true],
    ['no connection yet', new Error('Failed to connect before the deadline'), true],
    ['Postgres connection failure', pg('08006'), true],
    ['Postgres deadlock', pg('40P01'), true],
    ['a bad request to Temporal is the event’s fault', wrapped(grpc(3)), false],
    ['already exists', wrapped(grpc(6)), false],
    ['a Postgres constraint violation', pg('23505'), false],
    ['a plain handler error', new Error('cannot read properties of undefined'), false],
    ['not an error at all', 'boom', false],
  ])('%s → %s', (_name, error, transient) => {
    expect(isTransientError(error)).toBe(transient);
  });
});
