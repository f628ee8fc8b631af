import { context, propagation, trace } from '@opentelemetry/api';
import { AsyncLocalStorageContextManager } from '@opentelemetry/context-async-hooks';
import { CompositePropagator, W3CBaggagePropagator, W3CTraceContextPropagator } from '@opentelemetry/core';
import { NoopSpanProcessor, TracerProvider } from '@opentelemetry/sdk-trace';

export interface Telemetry {
  /** Flushes what is still to be exported and stops. */
  shutdown(): Promise<void>;
}

/**
 * Starts OpenTelemetry; call it before the application is imported. Spans and metrics leave the process only when
 * OTEL_EXPORTER_OTLP_ENDPOINT is set, through the Node SDK. Without it spans still get ids, so the logs carry trace
 * ids that tie a command to the events it caused, and the ids travel in command and event headers (W3C trace
 * context); the SDK and its exporters (every one of them, 20 MB and more a process) are then not loaded at all.
 */
export async function startTelemetry(serviceName: string): Promise<Telemetry> {
  if (process.env.OTEL_EXPORTER_OTLP_ENDPOINT) return startExporting(serviceName);
  const provider = new TracerProvider({ spanProcessors: [new NoopSpanProcessor()] });
  context.setGlobalContextManager(new AsyncLocalStorageContextManager().enable());
  propagation.setGlobalPropagator(new CompositePropagator({ propagators: [new W3CTraceContextPropagator(), new W3CBaggagePropagator()] }));
  trace.setGlobalTracerProvider(provider);
  return {
    async shutdown() {
      await provider.shutdown();
      trace.disable();
      propagation.disable();
      context.disable();
    },
  };
}

async function startExporting(serviceName: string): Promise<Telemetry> {
  const [{ NodeSDK }, { OTLPTraceExporter }, { OTLPMetricExporter }, { PeriodicExportingMetricReader }] = await Promise.all([
    import('@opentelemetry/sdk-node'),
    import('@opentelemetry/exporter-trace-otlp-http'),
    import('@opentelemetry/exporter-metrics-otlp-http'),
    import('@opentelemetry/sdk-metrics'),
  ]);
  const sdk = new NodeSDK({
    serviceName,
    traceExporter: new OTLPTraceExporter(),
    metricReaders: [new PeriodicExportingMetricReader({ exporter: new OTLPMetricExporter() })],
  });
  sdk.start();
  return sdk;
}
