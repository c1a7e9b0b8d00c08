import { describe, expect, it } from 'vitest';
import type { Identity } from '@crm/runtime';
import { EntityCache } from './entity-cache.ts';

const TENANT = '5d6c1f0e-8f0a-4d7e-9a43-0c3f6a1b2c3d';
const admin: Identity = { tenantId: TENANT, userId: 'u-admin', roles: ['TENANT_ADMIN'], requestId: 'r1' };
const rep: Identity = { tenantId: TENANT, userId: 'u-rep', roles: ['SALES_REP'], requestId: 'r2' };
const ACCOUNT_QUERY = 'query($representations:[_Any!]!){_entities(representations:$representations){...on Account{name}}}';
const account = [{ __typename: 'Account', id: 'a1' }];
const body = JSON.stringify({ query: ACCOUNT_QUERY, variables: { representations: account } });
const answer = { status: 200, contentType: 'application/json; charset=utf-8', body: '{"data":{"_entities":[{"name":"Globex"}]}}' };

function active() {
  const cache = new EntityCache();
  cache.activate();
  return cache;
}

function keep(cache: EntityCache, identity: Identity = admin, subgraph = 'customer') {
  const key = cache.keyOf(subgraph, identity, ACCOUNT_QUERY, account, body)!;
  cache.set(subgraph, key, TENANT, answer, cache.token());
  return key;
}

describe('EntityCache', () => {
  it('keeps an entity fetch per caller, whatever the request id', () => {
    const cache = active();
    const key = keep(cache);
    expect(cache.get('customer', key)).toEqual(answer);
    expect(cache.keyOf('customer', { ...admin, requestId: 'other' }, ACCOUNT_QUERY, account, body)).toBe(key);
    expect(cache.keyOf('customer', rep, ACCOUNT_QUERY, account, body)).not.toBe(key);
  });

  it('keeps only kept types, entity fetches, tenants and fields that change with events', () => {
    const cache = active();
    expect(cache.keyOf('customer', admin, ACCOUNT_QUERY, [{ __typename: 'Lead', id: 'l1' }], body)).toBeUndefined();
    expect(cache.keyOf('sales', admin, ACCOUNT_QUERY, account, body)).toBeUndefined();
    expect(cache.keyOf('customer', admin, '{ accounts { name } }', undefined, body)).toBeUndefined();
    expect(cache.keyOf('customer', { ...admin, tenantId: null }, ACCOUNT_QUERY, account, body)).toBeUndefined();
    expect(cache.keyOf('platform', admin, ACCOUNT_QUERY.replace('name', 'timeline { kind }'), [{ __typename: 'User', id: 'u1' }], body)).toBeUndefined();
    expect(new EntityCache().keyOf('customer', admin, ACCOUNT_QUERY, account, body)).toBeUndefined(); // not active yet
  });

  it('does not keep errors or partial answers', () => {
    const cache = active();
    const key = cache.keyOf('customer', admin, ACCOUNT_QUERY, account, body)!;
    cache.set('customer', key, TENANT, { ...answer, body: '{"data":{"_entities":[null]},"errors":[{"message":"x"}]}' }, cache.token());
    cache.set('customer', key, TENANT, { ...answer, status: 500 }, cache.token());
    expect(cache.get('customer', key)).toBeUndefined();
  });

  it("drops a tenant's entries on an event of their subgraph only", () => {
    const cache = active();
    const key = keep(cache);
    cache.invalidate({ tenantId: TENANT, subgraph: 'sales', pipelineIds: ['p1'] });
    expect(cache.get('customer', key)).toEqual(answer);
    cache.invalidate({ tenantId: TENANT, subgraph: 'customer' });
    expect(cache.get('customer', key)).toBeUndefined();
  });

  it('refuses an answer read while its subgraph changed, not while another one did', () => {
    const cache = active();
    const key = cache.keyOf('customer', admin, ACCOUNT_QUERY, account, body)!;
    const token = cache.token();
    cache.invalidate({ tenantId: TENANT, subgraph: 'sales' });
    cache.set('customer', key, TENANT, answer, token);
    expect(cache.get('customer', key)).toEqual(answer);
    const later = cache.token();
    cache.invalidate({ tenantId: TENANT, subgraph: 'customer' });
    cache.set('customer', key, TENANT, { ...answer, body: '{"data":{"_entities":[{"name":"Old"}]}}' }, later);
    expect(cache.get('customer', key)).toBeUndefined();
  });

  it('drops everything when deactivated', () => {
    const cache = active();
    const again = keep(cache);
    cache.deactivate();
    expect(cache.get('customer', again)).toBeUndefined();
    expect(cache.stats().entries).toBe(0);
  });
});
