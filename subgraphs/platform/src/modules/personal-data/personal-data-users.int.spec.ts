/**
 * The platform's step of a user's erasure on real PostgreSQL: the user is anonymised and
 * deactivated, cannot sign in, their API keys, sessions, notifications, invitations and queued
 * e-mails are revoked, deleted or emptied, the audit entries about them are redacted while those of
 * what they did stay; once, however often the request is delivered; another tenant is untouched.
 */
import { randomUUID } from 'node:crypto';
import { afterAll, beforeAll, describe, expect, it } from 'vitest';
import { forTenant } from '@crm/db';
import { createEvent } from '@crm/events';
import { seedTenant, startTestPlatform, TEST_PASSWORD, type TestPlatform } from '../../test-support.ts';
import { ERASED_USER_NAME, erasedEmailOf } from './services/personal-data.ts';

let t: TestPlatform;
beforeAll(async () => {
  t = await startTestPlatform();
});
afterAll(async () => {
  await t?.stop();
});

const request = (tenantId: string, userId: string) =>
  createEvent({ type: 'customer.user.erasure_requested', tenantId, actor: { userId: null, kind: 'user' }, aggregateId: randomUUID(), payload: { erasureId: randomUUID(), userId } });

describe("a user's erasure in the platform", () => {
  it('anonymises, deactivates and signs the user out, redacts what is about them and keeps what they did', async () => {
    const s = await seedTenant(t.platform);
    const other = await seedTenant(t.platform);
    const db = forTenant(t.platform.prisma, s.tenant.id);
    const user = s.manager;
    const email = user.email;
    const key = await t.platform.services.apiKeys.create(s.tenant.id, { name: 'Manager key', role: 'SALES_MANAGER' }, { userId: user.id, kind: 'user' });
    await t.platform.services.invitations.invite(s.tenant.id, { email: `friend-${randomUUID().slice(0, 6)}@example.com`, name: 'Friend', role: 'SALES_REP' }, { userId: user.id, kind: 'user' });
    await db.notification.create({ data: { tenantId: s.tenant.id, recipientId: user.id, kind: 'MENTIONED', title: 'Mentioned', body: 'b', recordType: 'Deal', recordId: randomUUID(), eventId: randomUUID() } });
    await db.outboundEmail.create({ data: { tenantId: s.tenant.id, to: email, template: 'notification', data: { name: user.name } } });
    await t.platform.prisma.oidcPayload.create({ data: { kind: 'Session', id: `s-${randomUUID()}`, payload: { accountId: user.id } } });
    const aboutEvent = createEvent({ type: 'platform.user.created', tenantId: s.tenant.id, actor: { userId: s.admin.id, kind: 'user' }, aggregateId: user.id, payload: { userId: user.id, email, name: user.name } });
    const didEvent = createEvent({ type: 'customer.contact.created', tenantId: s.tenant.id, actor: { userId: user.id, kind: 'user' }, aggregateId: randomUUID(), payload: { firstName: 'Carl' } });
    await t.platform.services.auditLog.record(aboutEvent);
    await t.platform.services.auditLog.record(didEvent);

    const event = request(s.tenant.id, user.id);
    expect(await t.platform.services.personalData.apply(event)).toBe('erased');
    expect(await t.platform.services.personalData.apply(event)).toBe('duplicate');

    const erased = await db.user.findFirstOrThrow({ where: { id: user.id } });
    expect(erased).toMatchObject({ name: ERASED_USER_NAME, email: erasedEmailOf(user.id), active: false, emailNotifications: false });
    await expect(t.platform.services.auth.login({ email, password: TEST_PASSWORD, tenantSlug: s.tenant.slug })).rejects.toMatchObject({ extensions: { code: 'UNAUTHENTICATED' } });
    expect(await t.platform.services.apiKeys.verify(key.key)).toBeNull();
    expect(await db.notification.count({ where: { recipientId: user.id } })).toBe(0);
    expect(await t.platform.prisma.oidcPayload.count({ where: { payload: { path: ['accountId'], equals: user.id } } })).toBe(0);
    const [mail] = await db.outboundEmail.findMany({ where: { to: erasedEmailOf(user.id) } });
    expect(mail).toMatchObject({ status: 'FAILED', lastError: 'recipient erased', data: {} });
    const entries = await db.auditEntry.findMany({ where: { eventId: { in: [aboutEvent.id, didEvent.id] } } });
    expect(entries.find((entry) => entry.eventId === aboutEvent.id)?.changes).toEqual({ redacted: 'personal data erased' });
    expect(entries.find((entry) => entry.eventId === didEvent.id)).toMatchObject({ actorId: user.id, changes: { firstName: 'Carl' } });
    // The report names what was done.
    const [answer] = await db.outboxEvent.findMany({ where: { type: 'platform.personal_data.erased', aggregateId: String(event.payload['erasureId']) } });
    expect(answer?.payload).toMatchObject({ userId: user.id, erased: { users: 1, apiKeysRevoked: 1, notifications: 1, sessionsAndTokens: 1, emailsCancelled: 1 } });
    // the entry recorded above, and the one of the user's creation the audit consumer recorded itself
    expect((answer?.payload as { erased: Record<string, number> }).erased['auditEntriesRedacted']).toBeGreaterThanOrEqual(1);

    // Another tenant's admin is untouched; an id naming nobody in the tenant erases nothing.
    expect(await forTenant(t.platform.prisma, other.tenant.id).user.findFirstOrThrow({ where: { id: other.admin.id } })).toMatchObject({ name: 'Admin', active: true });
    const elsewhere = request(s.tenant.id, other.admin.id);
    expect(await t.platform.services.personalData.apply(elsewhere)).toBe('erased');
    const [nothing] = await db.outboxEvent.findMany({ where: { type: 'platform.personal_data.erased', aggregateId: String(elsewhere.payload['erasureId']) } });
    expect(nothing?.payload).toMatchObject({ erased: { users: 0 } });
    expect(await forTenant(t.platform.prisma, other.tenant.id).user.findFirstOrThrow({ where: { id: other.admin.id } })).toMatchObject({ active: true });
  });
});
