import { describe, expect, it } from 'vitest';
import { currentTraceparent, linkTo, parseOtlpHeaders, readTracingEnvironment, startTracingFromEnvironment, traceFields, tracesUrl, tracingActive } from './tracing.ts';

describe('tracing settings', () => {
  it('is off without an endpoint, and then records nothing', () => {
    const env = readTracingEnvironment({});
    expect(env).toEqual({ endpoint: undefined, headers: {}, serviceName: undefined });
    expect(startTracingFromEnvironment(env, 'crm-test')).toBeUndefined();
    expect(tracingActive()).toBe(false);
    expect(currentTraceparent()).toBeUndefined();
    expect(traceFields()).toEqual({});
  });

  it('reads the OTLP variables', () => {
    expect(readTracingEnvironment({ OTEL_EXPORTER_OTLP_ENDPOINT: 'http://collector:4318', OTEL_EXPORTER_OTLP_HEADERS: 'x-token=a%20b, tenant=crm', OTEL_SERVICE_NAME: 'crm-sales-eu' })).toEqual({
      endpoint: 'http://collector:4318',
      headers: { 'x-token': 'a b', tenant: 'crm' },
      serviceName: 'crm-sales-eu',
    });
    expect(() => readTracingEnvironment({ OTEL_EXPORTER_OTLP_ENDPOINT: 'collector:4318' })).toThrow(/OTEL_EXPORTER_OTLP_ENDPOINT/);
    expect(parseOtlpHeaders('broken,=x')).toEqual({});
  });

  it('sends traces to <endpoint>/v1/traces', () => {
    expect(tracesUrl('http://collector:4318')).toBe('http://collector:4318/v1/traces');
    expect(tracesUrl('http://collector:4318/')).toBe('http://collector:4318/v1/traces');
    expect(tracesUrl('http://collector:4318/v1/traces')).toBe('http://collector:4318/v1/traces');
  });

  it('links to the span a traceparent names, and ignores malformed ones', () => {
    const link = linkTo('00-0af7651916cd43dd8448eb211c80319c-b7ad6b7169203331-01');
    expect(link?.context).toMatchObject({ traceId: '0af7651916cd43dd8448eb211c80319c', spanId: 'b7ad6b7169203331' });
    expect(linkTo('garbage')).toBeUndefined();
    expect(linkTo(undefined)).toBeUndefined();
  });
});
