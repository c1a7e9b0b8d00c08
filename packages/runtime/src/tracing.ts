/**
 * OpenTelemetry traces across the gateway, the subgraphs, Prisma and Kafka. Off unless a
 * deployable calls `startTracing` (each does when OTEL_EXPORTER_OTLP_ENDPOINT is set), so
 * `npm start` and the tests make no spans and send nothing by default.
 *
 * - One `NodeTracerProvider` per process, exporting OTLP over HTTP as JSON (`<endpoint>/v1/traces`)
 *   in batches, W3C trace context (`traceparent`, `tracestate`) as the propagator, and
 *   AsyncLocalStorage carrying the active span through `await`.
 * - HTTP servers (gateway and subgraphs) open a SERVER span per request (`traceRequests`), child of
 *   the caller's `traceparent`; the gateway adds `traceparent` to every subgraph request
 *   (`injectTraceContext`), inside Apollo Gateway's own `gateway.fetch` spans.
 * - Prisma: `@prisma/instrumentation` (Prisma's tracing helper; it works with the driver adapters
 *   in use, `@prisma/adapter-pg` and PGlite: a `prisma:client:operation` span per query, with its children).
 * - Events carry the `traceparent` of the span that created them in their envelope (and the Kafka
 *   message headers); a consumer's span links to it (`@crm/events`).
 * - Logs: `createLogger` adds `traceId` and `spanId` of the active span to every line.
 */
import type { IncomingMessage, RequestListener, ServerResponse } from 'node:http';
import { context, defaultTextMapGetter, propagation, ROOT_CONTEXT, SpanKind, SpanStatusCode, trace, type Context, type Link, type Span } from '@opentelemetry/api';
import { W3CTraceContextPropagator } from '@opentelemetry/core';
import { OTLPTraceExporter } from '@opentelemetry/exporter-trace-otlp-http';
import { resourceFromAttributes } from '@opentelemetry/resources';
import { BatchSpanProcessor, NodeTracerProvider } from '@opentelemetry/sdk-trace-node';
import { PrismaInstrumentation, registerInstrumentations } from '@prisma/instrumentation';

export interface TracingOptions {
  /** `service.name` of the process's spans, e.g. `crm-gateway`. */
  serviceName: string;
  /** OTLP/HTTP endpoint (OTEL_EXPORTER_OTLP_ENDPOINT), e.g. `http://otel-collector:4318`; traces go to `<endpoint>/v1/traces`. */
  endpoint: string;
  /** Extra headers of export requests (OTEL_EXPORTER_OTLP_HEADERS). */
  headers?: Record<string, string>;
  /** Most time spans wait before they are exported, ms. Default 2 000. */
  exportDelayMs?: number;
}

export interface Tracing {
  /** Exports every finished span now. */
  flush(): Promise<void>;
  /** Flushes, then stops tracing in this process. */
  shutdown(): Promise<void>;
}

/** The OTLP/HTTP traces url of an endpoint (`OTEL_EXPORTER_OTLP_ENDPOINT` is a base url). */
export function tracesUrl(endpoint: string): string {
  return endpoint.replace(/\/+$/, '').endsWith('/v1/traces') ? endpoint : `${endpoint.replace(/\/+$/, '')}/v1/traces`;
}

/** Parses `OTEL_EXPORTER_OTLP_HEADERS` (`k1=v1,k2=v2`, values URL-encoded). */
export function parseOtlpHeaders(value: string | undefined): Record<string, string> {
  const headers: Record<string, string> = {};
  for (const pair of (value ?? '').split(',')) {
    const at = pair.indexOf('=');
    if (at > 0) headers[pair.slice(0, at).trim()] = decodeURIComponent(pair.slice(at + 1).trim());
  }
  return headers;
}

/** Starts tracing for this process (once; later calls return the first). */
export function startTracing(options: TracingOptions): Tracing {
  if (active) return active;
  const provider = new NodeTracerProvider({
    resource: resourceFromAttributes({ 'service.name': options.serviceName }),
    spanProcessors: [
      new BatchSpanProcessor(new OTLPTraceExporter({ url: tracesUrl(options.endpoint), headers: options.headers ?? {} }), {
        scheduledDelayMillis: options.exportDelayMs ?? 2_000,
      }),
    ],
  });
  provider.register();
  const unregister = registerInstrumentations({ tracerProvider: provider, instrumentations: [new PrismaInstrumentation()] });
  const tracing: Tracing = {
    flush: () => provider.forceFlush(),
    async shutdown() {
      unregister();
      await provider.shutdown();
      trace.disable();
      context.disable();
      propagation.disable();
      active = undefined;
    },
  };
  active = tracing;
  return tracing;
}

let active: Tracing | undefined;
const w3c = new W3CTraceContextPropagator();

/** Whether this process traces (after `startTracing`). */
export function tracingActive(): boolean {
  return active !== undefined;
}

/** The ids of the active span, for log lines; empty when there is none. */
export function traceFields(): { traceId?: string; spanId?: string } {
  const span = trace.getActiveSpan();
  if (!span) return {};
  const { traceId, spanId } = span.spanContext();
  return { traceId, spanId };
}

const headerGetter = {
  keys: (carrier: IncomingMessage['headers']) => Object.keys(carrier),
  get: (carrier: IncomingMessage['headers'], key: string) => carrier[key],
};

/**
 * Wraps an HTTP handler: one SERVER span per request (`<METHOD> <path>`), child of the request's
 * `traceparent`, active while the handler runs, ended when the response is sent. `tracerName`
 * names the component (`crm.gateway`, `crm.subgraph.sales`), so spans of several components
 * running in one process stay apart. Returns `handler` itself when tracing is not started.
 */
export function traceRequests(tracerName: string, handler: RequestListener): RequestListener {
  // servers made while tracing is off pay nothing
  if (!active) return handler;
  const tracer = trace.getTracer(tracerName);
  return (req: IncomingMessage, res: ServerResponse) => {
    const path = (req.url ?? '/').split('?')[0] ?? '/';
    const parent = propagation.extract(context.active(), req.headers, headerGetter);
    const span = tracer.startSpan(
      `${req.method ?? 'GET'} ${path}`,
      { kind: SpanKind.SERVER, attributes: { 'http.request.method': req.method ?? 'GET', 'url.path': path } },
      parent,
    );
    const end = () => {
      span.setAttribute('http.response.status_code', res.statusCode);
      if (res.statusCode >= 500) span.setStatus({ code: SpanStatusCode.ERROR });
      span.end();
    };
    res.once('finish', end);
    res.once('close', () => {
      if (!res.writableFinished) end();
    });
    context.with(trace.setSpan(parent, span), () => handler(req, res));
  };
}

/** Adds `traceparent` (and `tracestate`) of the active span to outgoing headers. */
export function injectTraceContext(headers: { set(name: string, value: string): void }): void {
  propagation.inject(context.active(), headers, { set: (carrier, key, value) => carrier.set(key, value) });
}

/** The `traceparent` of the active span, if any (stored in event envelopes). */
export function currentTraceparent(): string | undefined {
  const carrier: Record<string, string> = {};
  propagation.inject(context.active(), carrier);
  return carrier['traceparent'];
}

/** The span context a `traceparent` names, as a span link; undefined when it is missing or malformed. */
export function linkTo(traceparent: string | undefined): Link | undefined {
  if (!traceparent) return undefined;
  const spanContext = trace.getSpanContext(w3c.extract(ROOT_CONTEXT, { traceparent }, defaultTextMapGetter));
  return spanContext && trace.isSpanContextValid(spanContext) ? { context: spanContext } : undefined;
}

/**
 * Runs `fn` in a new span of `tracerName` (child of the active span, or a new trace with `root`), with `links`;
 * records an exception and ERROR status when `fn` throws. Without tracing it only runs `fn`.
 */
export function inSpan<T>(
  tracerName: string,
  name: string,
  options: { kind?: SpanKind; links?: Link[]; attributes?: Record<string, string | number>; root?: boolean },
  fn: (span: Span) => Promise<T>,
): Promise<T> {
  const parent: Context = context.active();
  const spanOptions = { kind: options.kind ?? SpanKind.INTERNAL, links: options.links ?? [], attributes: options.attributes ?? {}, root: options.root ?? false };
  return trace.getTracer(tracerName).startActiveSpan(name, spanOptions, parent, async (span) => {
    try {
      return await fn(span);
    } catch (error) {
      span.recordException(error instanceof Error ? error : String(error));
      span.setStatus({ code: SpanStatusCode.ERROR });
      throw error;
    } finally {
      span.end();
    }
  });
}

export { SpanKind };

/** Tracing settings of a deployable, from its environment (read in its `environment.ts`). */
export interface TracingEnvironment {
  /** OTEL_EXPORTER_OTLP_ENDPOINT; tracing is off without it. */
  endpoint: string | undefined;
  /** OTEL_EXPORTER_OTLP_HEADERS. */
  headers: Record<string, string>;
  /** OTEL_SERVICE_NAME; default the deployable's own name. */
  serviceName: string | undefined;
}

/** Reads OTEL_EXPORTER_OTLP_ENDPOINT, OTEL_EXPORTER_OTLP_HEADERS and OTEL_SERVICE_NAME; throws on a bad endpoint. */
export function readTracingEnvironment(source: Record<string, string | undefined>): TracingEnvironment {
  const endpoint = source['OTEL_EXPORTER_OTLP_ENDPOINT']?.trim() || undefined;
  if (endpoint !== undefined && !/^https?:\/\/[^\s]+$/.test(endpoint)) throw new Error('OTEL_EXPORTER_OTLP_ENDPOINT: must be an http(s) URL');
  return { endpoint, headers: parseOtlpHeaders(source['OTEL_EXPORTER_OTLP_HEADERS']), serviceName: source['OTEL_SERVICE_NAME']?.trim() || undefined };
}

/** Starts tracing when the environment names an endpoint; undefined (off) otherwise. */
export function startTracingFromEnvironment(env: TracingEnvironment, defaultServiceName: string): Tracing | undefined {
  if (!env.endpoint) return undefined;
  return startTracing({ serviceName: env.serviceName ?? defaultServiceName, endpoint: env.endpoint, headers: env.headers });
}
