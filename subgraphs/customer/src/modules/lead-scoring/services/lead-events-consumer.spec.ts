import { randomUUID } from 'node:crypto';
import { describe, expect, it } from 'vitest';
import { createEvent } from '@crm/events';
import { directoryChange } from '../../lead-assignment/services/lead-directory.ts';
import { scoreEventOf } from './lead-events-consumer.ts';

const tenantId = randomUUID();
const leadId = randomUUID();
const actor = { userId: null, kind: 'system' as const };

describe('events that feed lead rules', () => {
  it('turns activities about a lead into score events, and nothing else', () => {
    const logged = createEvent({ type: 'sales.activity.created', tenantId, actor, aggregateId: randomUUID(), payload: { recordType: 'LEAD', recordId: leadId.toUpperCase(), type: 'CALL' } });
    expect(scoreEventOf(logged)).toMatchObject({ id: logged.id, tenantId, leadId, kind: 'ACTIVITY_LOGGED', activityType: 'CALL' });
    const completed = createEvent({ type: 'sales.activity.completed', tenantId, actor, aggregateId: randomUUID(), payload: { recordType: 'LEAD', recordId: leadId, type: 'EMAIL' } });
    expect(scoreEventOf(completed)?.kind).toBe('ACTIVITY_COMPLETED');
    expect(scoreEventOf(createEvent({ type: 'sales.activity.created', tenantId, actor, aggregateId: randomUUID(), payload: { recordType: 'DEAL', recordId: leadId } }))).toBeNull();
    expect(scoreEventOf(createEvent({ type: 'sales.activity.deleted', tenantId, actor, aggregateId: randomUUID(), payload: { recordType: 'LEAD', recordId: leadId } }))).toBeNull();
  });

  it('reads the user directory from platform user events', () => {
    const userId = randomUUID();
    const teamId = randomUUID();
    const event = (type: string, payload: Record<string, unknown>) => createEvent({ type, tenantId, actor, aggregateId: userId, payload });
    expect(directoryChange(event('platform.user.created', { userId, teamId }))).toEqual({ userId, teamId, active: true });
    expect(directoryChange(event('platform.user.deactivated', { userId, changed: { active: { from: true, to: false } } }))).toEqual({ userId, active: false });
    expect(directoryChange(event('platform.user.team_changed', { userId, changed: { teamId: { from: teamId, to: null } } }))).toEqual({ userId, teamId: null });
    expect(directoryChange(event('platform.user.invited', { userId }))).toBeNull();
  });
});
