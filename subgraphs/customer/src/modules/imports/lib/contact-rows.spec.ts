import { describe, expect, it } from 'vitest';
import type { FieldDefinition } from '../../../lib/custom-fields.ts';
import { mappedColumns, mappingProblem, readContactRow, suggestMapping } from './contact-rows.ts';

const region: FieldDefinition = { key: 'region', label: 'Sales region', type: 'SELECT', required: false, options: ['EMEA', 'APAC'], referenceEntity: null };
const budget: FieldDefinition = { key: 'budget', label: 'Budget', type: 'CURRENCY', required: false, options: [], referenceEntity: null };
const partner: FieldDefinition = { key: 'partner', label: 'Partner', type: 'REFERENCE', required: false, options: [], referenceEntity: 'ACCOUNT' };
const columns = ['First Name', 'Surname', 'E-Mail Address', 'Sales Region', 'Stage', 'Labels'];

describe('contact import mapping', () => {
  it('suggests fields from header names and custom field labels', () => {
    expect(suggestMapping([...columns, 'Budget', 'Partner'], [region, budget, partner])).toEqual({
      'First Name': 'firstName',
      Surname: 'lastName',
      'E-Mail Address': 'email',
      'Sales Region': 'customFields.region',
      Stage: 'lifecycleStage',
      Labels: 'tags',
      Budget: 'customFields.budget',
    });
  });

  it('names the entry at fault', () => {
    expect(mappingProblem([{ column: 'Nope', field: 'firstName' }], columns, [])).toEqual({ index: 0, message: 'the file has no column "Nope"' });
    expect(mappingProblem([{ column: 'First Name', field: 'firstName' }, { column: 'Surname', field: 'firstName' }], columns, [])).toMatchObject({ index: 1 });
    expect(mappingProblem([{ column: 'First Name', field: 'customFields.partner' }], columns, [partner])!.message).toMatch(/REFERENCE/);
    expect(mappingProblem([{ column: 'First Name', field: 'firstName' }], columns, [])).toEqual({ index: null, message: 'map a column to lastName' });
  });
});

describe('readContactRow', () => {
  const mapped = mappedColumns(columns, suggestMapping(columns, [region]));
  const defs = new Map([[region.key, region]]);

  it('normalises like createContact: trimmed names, lowercased e-mail, stage names, tags', () => {
    expect(readContactRow(2, [' Ada ', 'Lovelace', 'ADA@Example.COM', 'EMEA', 'marketing qualified', 'VIP; math'], 6, mapped, defs)).toEqual({
      ok: true,
      rowNumber: 2,
      key: 'ada@example.com',
      patch: { firstName: 'Ada', lastName: 'Lovelace', email: 'ada@example.com', lifecycleStage: 'MARKETING_QUALIFIED', tags: ['vip', 'math'], customFields: [{ key: 'region', option: 'EMEA' }] },
    });
  });

  it('names the column of an invalid value and reports a wrong number of cells', () => {
    expect(readContactRow(3, ['Ada', 'L', 'nope', '', '', ''], 6, mapped, defs)).toMatchObject({ ok: false, column: 'E-Mail Address' });
    expect(readContactRow(4, ['Ada', 'L', '', '', 'boss', ''], 6, mapped, defs)).toMatchObject({ ok: false, column: 'Stage' });
    expect(readContactRow(5, ['Ada'], 6, mapped, defs)).toEqual({ ok: false, rowNumber: 5, column: null, reason: 'the row has 1 cells; the header has 6 columns' });
  });
});
