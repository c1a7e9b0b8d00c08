import { describe, expect, it } from 'vitest';
import type { EventEnvelope } from '@crm/events';
import { createLogger, MemoryCache, type Identity } from '@crm/runtime';
import { createSystemAdminAccessAudit, SYSTEM_ADMIN_ACCESSED } from './system-admin-access.ts';

const logger = createLogger('system-admin-access-test', 'silent');
const operator: Identity = { tenantId: '5b0c9a52-7d1f-4c47-9a1e-0f3f0c6f1a11', userId: '0e6d1d55-3c38-4a36-9c3e-2b9f1b1a2c22', roles: ['SYSTEM_ADMIN'], requestId: 'r-1' };

function recordingBus() {
  const published: Array<{ topic: string; events: EventEnvelope[] }> = [];
  return { published, bus: { publish: async (topic: string, events: EventEnvelope[]) => void published.push({ topic, events }) } };
}

describe('createSystemAdminAccessAudit', () => {
  it('publishes one access event per System Admin and tenant within the window', async () => {
    const { published, bus } = recordingBus();
    const audit = createSystemAdminAccessAudit({ bus, cache: new MemoryCache(), logger });
    await audit.observe(operator);
    await audit.observe({ ...operator, requestId: 'r-2' });
    expect(published).toHaveLength(1);
    expect(published[0]!.topic).toBe('crm.platform.events');
    expect(published[0]!.events[0]).toMatchObject({
      type: SYSTEM_ADMIN_ACCESSED,
      tenantId: operator.tenantId,
      aggregateId: operator.tenantId,
      actor: { userId: operator.userId, kind: 'user' },
      payload: { userId: operator.userId, requestId: 'r-1' },
    });
    await audit.observe({ ...operator, tenantId: '9d3b2f41-1c5e-4a8b-8f0e-6a7b8c9d0e33' });
    expect(published).toHaveLength(2);
  });

  it('ignores everyone else, and survives a bus that cannot publish', async () => {
    const { published, bus } = recordingBus();
    const audit = createSystemAdminAccessAudit({ bus, cache: new MemoryCache(), logger });
    await audit.observe({ ...operator, roles: ['TENANT_ADMIN'] });
    await audit.observe({ ...operator, tenantId: null });
    await audit.observe({ ...operator, userId: null, actorKind: 'apikey', apiKeyId: 'k' });
    expect(published).toEqual([]);

    const failing = createSystemAdminAccessAudit({ bus: { publish: () => Promise.reject(new Error('kafka down')) }, cache: new MemoryCache(), logger });
    await expect(failing.observe(operator)).resolves.toBeUndefined();
  });
});
