import { describe, expect, it } from 'vitest';
import { assignmentRulesSchema, firstMatching, pickInTurn, withIds } from './rules.ts';

const u1 = '00000000-0000-4000-8000-000000000001';
const u2 = '00000000-0000-4000-8000-000000000002';
const lead = { name: 'Ada', email: 'ada@acme.de', company: 'Acme', source: null, customFields: { country: 'DE' } };

describe('assignment rules', () => {
  it('picks the first matching rule', () => {
    const rules = withIds(
      assignmentRulesSchema.parse([
        { name: 'France', kind: 'TERRITORY', conditions: [{ field: 'CUSTOM_FIELD', customField: 'country', operator: 'EQUALS', value: 'FR' }], userId: u1 },
        { name: 'DACH', kind: 'TERRITORY', conditions: [{ field: 'CUSTOM_FIELD', customField: 'country', operator: 'EQUALS', value: 'de' }], userId: u2 },
        { name: 'Everyone else', kind: 'ROUND_ROBIN', userIds: [u1, u2] },
      ]),
    );
    expect(firstMatching(rules, lead)?.name).toBe('DACH');
    expect(firstMatching(rules, { ...lead, customFields: {} })?.name).toBe('Everyone else');
  });

  it('rejects an empty rotation and a territory without conditions, naming the field', () => {
    const empty = assignmentRulesSchema.safeParse([{ name: 'x', kind: 'ROUND_ROBIN', userIds: [] }]);
    expect(empty.error?.issues[0]?.path).toEqual([0, 'userIds']);
    const territory = assignmentRulesSchema.safeParse([{ name: 'x', kind: 'TERRITORY', userId: u1 }]);
    expect(territory.error?.issues[0]?.path).toEqual([0, 'conditions']);
  });

  it('takes turns', () => {
    expect([1, 2, 3, 4].map((position) => pickInTurn(['a', 'b', 'c'], position))).toEqual(['a', 'b', 'c', 'a']);
  });
});
