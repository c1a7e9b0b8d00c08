import { describe, expect, it } from 'vitest';
import { canConvert, conversionInput, splitName } from './lead-conversion.ts';

describe('lead conversion', () => {
  it('splits a lead name into first and last names', () => {
    expect(splitName('  Ada King  Lovelace ')).toEqual({ firstName: 'Ada', lastName: 'King Lovelace' });
    expect(splitName('Cher')).toEqual({ firstName: 'Cher', lastName: 'Cher' });
    expect(splitName('   ')).toEqual({ firstName: '', lastName: '' });
  });

  it('converts only open leads', () => {
    expect(['NEW', 'CONTACTED', 'QUALIFIED'].every(canConvert)).toBe(true);
    expect(canConvert('UNQUALIFIED')).toBe(false);
    expect(canConvert('CONVERTED')).toBe(false);
  });

  it('builds the input of each choice', () => {
    expect(conversionInput({ kind: 'existing', id: 'c1' }, { kind: 'none' }, null, 'k1')).toEqual({ contact: { existingId: 'c1' }, idempotencyKey: 'k1' });
    expect(
      conversionInput(
        { kind: 'create', firstName: 'Ada', lastName: 'Lovelace', email: null },
        { kind: 'create', name: 'Analytical', domain: 'engine.example' },
        { pipelineId: 'p1', name: 'Engine deal', amount: '1200.50', currency: 'eur' },
        'k2',
      ),
    ).toEqual({
      contact: { create: { firstName: 'Ada', lastName: 'Lovelace' } },
      account: { create: { name: 'Analytical', domain: 'engine.example' } },
      deal: { pipelineId: 'p1', name: 'Engine deal', amount: '1200.50', currency: 'EUR' },
      idempotencyKey: 'k2',
    });
    expect(conversionInput({ kind: 'existing', id: 'c1' }, { kind: 'existing', id: 'a1' }, null, 'k3').account).toEqual({ existingId: 'a1' });
  });
});
