import { describe, expect, it } from 'vitest';
import { fieldOptions, listPathOf, mappingFrom, mappingInput, mappingProblem, missingFields, sameMapping, setColumnField } from './import-mapping.ts';

const COLUMNS = ['First Name', 'Last Name', 'E-mail', 'Notes'];

describe('import mapping', () => {
  it('starts from the suggested mapping, one entry per column in file order', () => {
    const state = mappingFrom(COLUMNS, [
      { column: 'E-mail', field: 'email' },
      { column: 'First Name', field: 'firstName' },
      { column: 'Last Name', field: 'lastName' },
    ]);
    expect(state).toEqual([
      { column: 'First Name', field: 'firstName' },
      { column: 'Last Name', field: 'lastName' },
      { column: 'E-mail', field: 'email' },
      { column: 'Notes', field: '' },
    ]);
    expect(mappingInput(state)).toEqual([
      { column: 'First Name', field: 'firstName' },
      { column: 'Last Name', field: 'lastName' },
      { column: 'E-mail', field: 'email' },
    ]);
  });

  it('applies a saved mapping, ignoring columns the file does not have and fields given twice', () => {
    const state = mappingFrom(COLUMNS, [
      { column: 'Given', field: 'firstName' },
      { column: 'First Name', field: 'firstName' },
      { column: 'Notes', field: 'firstName' },
    ]);
    expect(mappingInput(state)).toEqual([{ column: 'First Name', field: 'firstName' }]);
  });

  it('gives a field to one column only: choosing it again clears the other column', () => {
    const state = mappingFrom(COLUMNS, [{ column: 'First Name', field: 'firstName' }]);
    const moved = setColumnField(state, 'Notes', 'firstName');
    expect(mappingInput(moved)).toEqual([{ column: 'Notes', field: 'firstName' }]);
    const cleared = setColumnField(moved, 'Notes', '');
    expect(mappingInput(cleared)).toEqual([]);
  });

  it('names the required fields still missing, per entity', () => {
    const state = mappingFrom(COLUMNS, [{ column: 'First Name', field: 'firstName' }]);
    expect(missingFields('CONTACT', state)).toEqual(['lastName']);
    expect(mappingProblem('CONTACT', state)).toBe('Map a column to Last name: every record needs it.');
    expect(mappingProblem('CONTACT', mappingFrom(COLUMNS, []))).toMatch(/First name and Last name: every record needs them/);
    expect(mappingProblem('ACCOUNT', mappingFrom(['Company'], [{ column: 'Company', field: 'name' }]))).toBeNull();
    expect(missingFields('LEAD', mappingFrom(['Email'], [{ column: 'Email', field: 'email' }]))).toEqual(['name']);
  });

  it('offers built-in fields, live importable custom fields, and fields the mapping already uses', () => {
    const options = fieldOptions(
      'LEAD',
      [
        { key: 'region', label: 'Region', type: 'SELECT' },
        { key: 'budget', label: 'Budget', type: 'CURRENCY' },
        { key: 'old', label: 'Old', type: 'TEXT', archivedAt: '2026-01-01T00:00:00Z' },
      ],
      ['name', 'score', ''],
    );
    const fields = options.map((o) => o.field);
    expect(fields).toEqual(['name', 'email', 'company', 'source', 'status', 'ownerId', 'customFields.region', 'score']);
    expect(options.find((o) => o.field === 'customFields.region')?.label).toBe('Region (custom)');
  });

  it('compares mappings regardless of order', () => {
    const a = [
      { column: 'A', field: 'name' },
      { column: 'B', field: 'email' },
    ];
    expect(sameMapping(a, [...a].reverse())).toBe(true);
    expect(sameMapping(a, [{ column: 'A', field: 'name' }])).toBe(false);
  });

  it('links each entity to its list', () => {
    expect([listPathOf('CONTACT'), listPathOf('ACCOUNT'), listPathOf('LEAD')]).toEqual(['/contacts', '/accounts', '/leads']);
  });
});
