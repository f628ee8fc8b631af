import { trace } from '@opentelemetry/api';
import { Writable } from 'node:stream';
import { afterAll, expect, it } from 'vitest';
import { createLogger } from './logger';
import { startTelemetry } from './otel';

const otel = await startTelemetry('logger-test');
afterAll(() => otel.shutdown());

function capture() {
  const lines: Record<string, any>[] = [];
  const sink = new Writable({
    write(chunk, _enc, done) {
      lines.push(JSON.parse(chunk.toString()));
      done();
    },
  });
  return { lines, sink };
}

it('log lines carry the active trace and span ids, and secrets are redacted wherever they sit', async () => {
  const { lines, sink } = capture();
  const log = createLogger('test', 'info', sink);
  const ids = trace.getTracer('test').startActiveSpan('work', (span) => {
    log.info(
      {
        password: 'hunter2',
        req: { headers: { authorization: 'Bearer s3cret', cookie: 'sid=1' } },
        res: { headers: { 'set-cookie': 'ol_session=SESSION-SECRET-VALUE' } },
        server: { apiToken: 'tok' },
      },
      'hello',
    );
    span.end();
    return span.spanContext();
  });
  await new Promise((resolve) => setImmediate(resolve));
  const [line] = lines;
  expect(line).toMatchObject({
    msg: 'hello',
    trace_id: ids.traceId,
    span_id: ids.spanId,
    password: '[redacted]',
    server: { apiToken: '[redacted]' },
  });
  expect(line!.req.headers).toEqual({ authorization: '[redacted]', cookie: '[redacted]' });
  expect(line!.res.headers).toEqual({ 'set-cookie': '[redacted]' });
  expect(JSON.stringify(line)).not.toMatch(/hunter2|s3cret|tok"|SESSION-SECRET-VALUE/);
});
