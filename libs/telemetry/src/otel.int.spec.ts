import { metrics, trace } from '@opentelemetry/api';
import { createServer } from 'node:http';
import type { AddressInfo } from 'node:net';
import { expect, it } from 'vitest';
import { startTelemetry } from './otel';

// A stand-in OTLP collector: a real HTTP server recording what is posted to it.
it('exports spans and metrics over OTLP/HTTP when OTEL_EXPORTER_OTLP_ENDPOINT is set', async () => {
  const received: { path: string; bytes: number }[] = [];
  const server = createServer((req, res) => {
    let bytes = 0;
    req.on('data', (chunk: Buffer) => (bytes += chunk.length));
    req.on('end', () => {
      received.push({ path: req.url ?? '', bytes });
      res.writeHead(200, { 'content-type': 'application/x-protobuf' }).end();
    });
  });
  await new Promise<void>((resolve) => server.listen(0, '127.0.0.1', resolve));
  process.env.OTEL_EXPORTER_OTLP_ENDPOINT = `http://127.0.0.1:${(server.address() as AddressInfo).port}`;
  try {
    const sdk = await startTelemetry('otel-test');
    trace.getTracer('test').startActiveSpan('command create-task', (span) => span.end());
    metrics.getMeter('test').createCounter('opsledger.test.count').add(1);
    await sdk.shutdown(); // flushes both pipelines
    const paths = received.filter((r) => r.bytes > 0).map((r) => r.path);
    expect(paths).toContain('/v1/traces');
    expect(paths).toContain('/v1/metrics');
  } finally {
    delete process.env.OTEL_EXPORTER_OTLP_ENDPOINT;
    server.close();
  }
});
