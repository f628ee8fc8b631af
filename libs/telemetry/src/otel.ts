import { OTLPMetricExporter } from '@opentelemetry/exporter-metrics-otlp-http';
import { OTLPTraceExporter } from '@opentelemetry/exporter-trace-otlp-http';
import { PeriodicExportingMetricReader } from '@opentelemetry/sdk-metrics';
import { NodeSDK } from '@opentelemetry/sdk-node';
import { NoopSpanProcessor } from '@opentelemetry/sdk-trace';

/**
 * Starts the OpenTelemetry Node SDK; call it before the application is
 * imported. Spans and metrics leave the process only when
 * OTEL_EXPORTER_OTLP_ENDPOINT is set; without it spans still get ids, so the
 * logs carry trace ids that tie a command to the events it caused.
 */
export function startTelemetry(serviceName: string): NodeSDK {
  const exporting = Boolean(process.env.OTEL_EXPORTER_OTLP_ENDPOINT);
  const sdk = new NodeSDK({
    serviceName,
    ...(exporting
      ? {
          traceExporter: new OTLPTraceExporter(),
          metricReaders: [new PeriodicExportingMetricReader({ exporter: new OTLPMetricExporter() })],
        }
      : { spanProcessors: [new NoopSpanProcessor()] }),
  });
  sdk.start();
  return sdk;
}
