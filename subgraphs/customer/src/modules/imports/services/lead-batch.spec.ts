import { describe, expect, it } from 'vitest';
import { applyLeadPatch, statusMoveProblem } from './lead-batch.ts';

describe('lead import rules', () => {
  it('moves statuses as updateLead does', () => {
    expect(statusMoveProblem('NEW', 'CONTACTED')).toBeNull();
    expect(statusMoveProblem('QUALIFIED', 'QUALIFIED')).toBeNull();
    expect(statusMoveProblem('QUALIFIED', undefined)).toBeNull();
    expect(statusMoveProblem('QUALIFIED', 'NEW')).toBe('status: a QUALIFIED lead cannot move to NEW (allowed: CONTACTED, UNQUALIFIED)');
    expect(statusMoveProblem('CONVERTED', 'NEW')).toMatch(/only through convertLead/);
  });

  it('keeps what a row leaves empty and starts new leads as NEW', () => {
    const created = applyLeadPatch(null, { name: 'Ada' }, []);
    expect(created).toEqual({ name: 'Ada', email: null, company: null, source: null, status: 'NEW', ownerId: null, score: 0, customFields: {} });
    expect(applyLeadPatch({ ...created, company: 'Old', score: 40 }, { source: 'Fair' }, [])).toMatchObject({ name: 'Ada', company: 'Old', source: 'Fair', score: 40 });
  });
});
