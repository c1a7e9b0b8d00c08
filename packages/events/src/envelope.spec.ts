import { describe, expect, it } from 'vitest';
import { createEvent, MalformedEventError, parseEvent, serializeEvent, traceConsume } from './envelope.ts';

const event = () => createEvent({ type: 'sales.deal.created', tenantId: 't1', aggregateId: 'd1', actor: { userId: 'u1', kind: 'user' }, payload: { name: 'Deal' } });

describe('event envelope trace context', () => {
  it('carries no traceparent while tracing is off', () => {
    expect(event()).not.toHaveProperty('traceparent');
  });

  it('keeps a traceparent on the wire and refuses a malformed one', () => {
    const traced = { ...event(), traceparent: '00-0af7651916cd43dd8448eb211c80319c-b7ad6b7169203331-01' };
    expect(parseEvent(serializeEvent(traced)).traceparent).toBe(traced.traceparent);
    expect(() => parseEvent(JSON.stringify({ ...event(), traceparent: 42 }))).toThrow(MalformedEventError);
  });

  it('runs a consumer without a span while tracing is off', async () => {
    await expect(traceConsume('group', 'crm.sales.events', event(), async () => 'handled')).resolves.toBe('handled');
  });
});
