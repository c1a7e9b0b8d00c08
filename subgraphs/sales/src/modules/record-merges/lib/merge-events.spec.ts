import { randomUUID } from 'node:crypto';
import { createEvent } from '@crm/events';
import { describe, expect, it } from 'vitest';
import { InvalidMergeEventError, parseMergeEvent } from './merge-events.ts';

const tenantId = randomUUID();
const actor = { userId: randomUUID(), kind: 'user' as const };
const event = (type: string, payload: Record<string, unknown>) => createEvent({ type, tenantId, actor, aggregateId: randomUUID(), payload });

describe('parseMergeEvent', () => {
  it('reads contact and account merges and their undos', () => {
    const mergeId = randomUUID();
    const survivorId = randomUUID();
    const mergedIds = [randomUUID(), randomUUID()];
    expect(parseMergeEvent(event('customer.contact.merged', { mergeId, survivorId, mergedIds }))).toMatchObject({
      record: 'CONTACT', direction: 'apply', mergeId, survivorId, mergedIds, tenantId, actor,
    });
    expect(parseMergeEvent(event('customer.account.merge_undone', { mergeId, survivorId, mergedIds }))).toMatchObject({
      record: 'ACCOUNT', direction: 'undo',
    });
  });

  it('ignores other events', () => {
    expect(parseMergeEvent(event('customer.contact.created', { id: randomUUID() }))).toBeNull();
  });

  it('refuses malformed merges', () => {
    const survivorId = randomUUID();
    expect(() => parseMergeEvent(event('customer.contact.merged', { mergeId: 'x', survivorId, mergedIds: [randomUUID()] }))).toThrow(InvalidMergeEventError);
    expect(() => parseMergeEvent(event('customer.contact.merged', { mergeId: randomUUID(), survivorId, mergedIds: [] }))).toThrow(/mergedIds/);
    expect(() => parseMergeEvent(event('customer.account.merged', { mergeId: randomUUID(), survivorId, mergedIds: [survivorId] }))).toThrow(/survivor/);
  });
});
