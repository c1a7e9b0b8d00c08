import { describe, expect, it } from 'vitest';
import type { FieldDefinition } from '../../../lib/custom-fields.ts';
import { mappedColumns, mappingProblem, suggestMapping } from './contact-rows.ts';
import { toMinorUnits } from '../../../lib/amounts.ts';
import { ACCOUNT_SPEC, accountKey, LEAD_SPEC, readAccountRow, readLeadRow } from './record-rows.ts';

const tier: FieldDefinition = { key: 'tier', label: 'Tier', type: 'SELECT', required: false, options: ['gold', 'silver'], referenceEntity: null };

describe('account import rows', () => {
  const columns = ['Company Name', 'Website', 'Industry', 'Employees', 'Revenue', 'Currency', 'Parent Account', 'Tier'];
  const mapping = suggestMapping(columns, [tier], ACCOUNT_SPEC);
  const mapped = mappedColumns(columns, mapping);
  const defs = new Map([[tier.key, tier]]);

  it('suggests account fields from header names and needs name mapped', () => {
    expect(mapping).toEqual({
      'Company Name': 'name',
      Website: 'domain',
      Industry: 'industry',
      Employees: 'employees',
      Revenue: 'annualRevenue',
      Currency: 'revenueCurrency',
      'Parent Account': 'parent',
      Tier: 'customFields.tier',
    });
    expect(mappingProblem([{ column: 'Website', field: 'domain' }], columns, [], ACCOUNT_SPEC)).toEqual({ index: null, message: 'map a column to name' });
    expect(mappingProblem([{ column: 'Website', field: 'firstName' }], columns, [], ACCOUNT_SPEC)!.message).toMatch(/unknown field "firstName"/);
  });

  it('normalises like createAccount: domain, employees, revenue in minor units, parent by domain or id', () => {
    expect(readAccountRow(2, [' Acme ', 'ACME.com.', 'Tools', '1,200', '1,250,000.50', 'usd', 'group.example', 'gold'], 8, mapped, defs)).toEqual({
      ok: true,
      rowNumber: 2,
      key: 'domain:acme.com',
      patch: {
        name: 'Acme',
        domain: 'acme.com',
        industry: 'Tools',
        employees: 1200,
        annualRevenue: { revenueMinor: 125000050n, revenueCurrency: 'USD' },
        parent: { domain: 'group.example' },
        customFields: [{ key: 'tier', option: 'gold' }],
      },
    });
    const id = '0b9f8a52-6c1e-4a51-9b5e-3f3c1d2e4a10';
    expect(readAccountRow(3, ['Beta', '', '', '', '500', 'JPY', id.toUpperCase(), ''], 8, mapped, defs)).toMatchObject({
      ok: true,
      key: 'name:beta',
      patch: { name: 'Beta', annualRevenue: { revenueMinor: 500n, revenueCurrency: 'JPY' }, parent: { id } },
    });
  });

  it('names the column of an invalid value', () => {
    const row = (cells: Partial<Record<number, string>>) => columns.map((_, index) => cells[index] ?? (index === 0 ? 'Acme' : ''));
    expect(readAccountRow(2, row({ 1: 'not a domain' }), 8, mapped, defs)).toMatchObject({ ok: false, column: 'Website', reason: expect.stringMatching(/domain/) });
    expect(readAccountRow(2, row({ 3: '12.5' }), 8, mapped, defs)).toMatchObject({ ok: false, column: 'Employees', reason: 'employees must be a whole number' });
    expect(readAccountRow(2, row({ 3: '-4' }), 8, mapped, defs)).toMatchObject({ ok: false, column: 'Employees', reason: 'employees must not be negative' });
    expect(readAccountRow(2, row({ 4: '100' }), 8, mapped, defs)).toMatchObject({ ok: false, column: 'Revenue', reason: expect.stringMatching(/revenueCurrency/) });
    expect(readAccountRow(2, row({ 4: '100', 5: 'dollars' }), 8, mapped, defs)).toMatchObject({ ok: false, column: 'Currency' });
    expect(readAccountRow(2, row({ 4: '1.005', 5: 'USD' }), 8, mapped, defs)).toMatchObject({ ok: false, column: 'Revenue' });
    expect(readAccountRow(2, row({ 6: 'nope' }), 8, mapped, defs)).toMatchObject({ ok: false, column: 'Parent Account' });
    expect(readAccountRow(2, row({ 7: 'bronze' }), 8, mapped, defs)).toMatchObject({ ok: true });
  });

  it('converts amounts to minor units and keys accounts by domain, else name', () => {
    expect(toMinorUnits('1 000', 2)).toBe('100000');
    expect(toMinorUnits('12.3', 2)).toBe('1230');
    expect(toMinorUnits('12.300', 2)).toBe('1230');
    expect(toMinorUnits('7', 0)).toBe('7');
    expect(toMinorUnits('-3', 2)).toBeNull();
    expect(accountKey({ name: 'ACME Corp' })).toBe('name:acme corp');
    expect(accountKey({ name: 'ACME Corp', domain: 'acme.com' })).toBe('domain:acme.com');
  });
});

describe('lead import rows', () => {
  const columns = ['Full Name', 'Email', 'Company', 'Lead Source', 'Status', 'Owner'];
  const mapped = mappedColumns(columns, suggestMapping(columns, [], LEAD_SPEC));

  it('normalises like createLead and keys leads by lower(email)', () => {
    expect(readLeadRow(2, [' Ada ', 'ADA@Example.com', 'Analytical', 'Fair', 'contacted', ''], 6, mapped, new Map())).toEqual({
      ok: true,
      rowNumber: 2,
      key: 'ada@example.com',
      patch: { name: 'Ada', email: 'ada@example.com', company: 'Analytical', source: 'Fair', status: 'CONTACTED' },
    });
  });

  it('refuses CONVERTED and invalid values, naming the column', () => {
    expect(readLeadRow(2, ['Ada', '', '', '', 'converted', ''], 6, mapped, new Map())).toMatchObject({ ok: false, column: 'Status', reason: expect.stringMatching(/convertLead/) });
    expect(readLeadRow(2, ['Ada', 'nope', '', '', '', ''], 6, mapped, new Map())).toMatchObject({ ok: false, column: 'Email' });
    expect(readLeadRow(2, ['Ada', '', '', '', '', 'someone'], 6, mapped, new Map())).toMatchObject({ ok: false, column: 'Owner', reason: 'ownerId is not a valid id' });
    expect(readLeadRow(2, ['Ada', '', 'x'.repeat(201), '', '', ''], 6, mapped, new Map())).toMatchObject({ ok: false, column: 'Company' });
  });
});
