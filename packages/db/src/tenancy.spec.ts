import { describe, expect, it } from 'vitest';
import { assertTenantId, scopeArgs } from './tenancy.ts';

const tenant = '7b0f3c1e-2a4d-4e8f-9a6b-1c2d3e4f5a6b';

describe('scopeArgs', () => {
  it('adds tenantId to the where of reads, updates and deletes, overriding a caller-supplied one', () => {
    for (const operation of ['findUnique', 'findFirst', 'findMany', 'count', 'aggregate', 'groupBy', 'update', 'updateMany', 'delete', 'deleteMany']) {
      expect(scopeArgs(operation, { where: { id: 'x', tenantId: 'other' } }, tenant)).toEqual({ where: { id: 'x', tenantId: tenant } });
    }
    expect(scopeArgs('findMany', undefined, tenant)).toEqual({ where: { tenantId: tenant } });
  });

  it('adds tenantId to created records, one or many', () => {
    expect(scopeArgs('create', { data: { title: 'a' } }, tenant)).toEqual({ data: { title: 'a', tenantId: tenant } });
    expect(scopeArgs('createMany', { data: [{ title: 'a' }, { title: 'b', tenantId: 'other' }] }, tenant)).toEqual({
      data: [
        { title: 'a', tenantId: tenant },
        { title: 'b', tenantId: tenant },
      ],
    });
    expect(scopeArgs('createManyAndReturn', { data: { title: 'a' } }, tenant)).toEqual({ data: { title: 'a', tenantId: tenant } });
  });

  it('scopes both the lookup and the created record of an upsert, not its update', () => {
    expect(scopeArgs('upsert', { where: { id: 'x' }, create: { title: 'a' }, update: { title: 'b' } }, tenant)).toEqual({
      where: { id: 'x', tenantId: tenant },
      create: { title: 'a', tenantId: tenant },
      update: { title: 'b' },
    });
  });

  it('does not touch the caller’s arguments', () => {
    const args = { where: { id: 'x' } };
    scopeArgs('findUnique', args, tenant);
    expect(args).toEqual({ where: { id: 'x' } });
  });
});

describe('assertTenantId', () => {
  it('accepts a UUID and refuses anything else with FORBIDDEN', () => {
    expect(() => assertTenantId(tenant)).not.toThrow();
    for (const bad of ['', ' ', 'tenant-1', undefined, null, 42, `${tenant}x`]) {
      expect(() => assertTenantId(bad)).toThrow(expect.objectContaining({ extensions: expect.objectContaining({ code: 'FORBIDDEN' }) }));
    }
  });
});
