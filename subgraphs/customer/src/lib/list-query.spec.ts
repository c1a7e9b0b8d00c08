import { describe, expect, it } from 'vitest';
import { accountSpec, contactSpec } from './entities.ts';
import { compileFilter, encodeCursor, planPage, sortKeys } from '@crm/db/list-query';

const badInputOn = (field: string) => expect.objectContaining({ extensions: expect.objectContaining({ code: 'BAD_USER_INPUT', field }) });

describe('compileFilter', () => {
  it('compiles operators, nesting and relation filters to a Prisma where clause', () => {
    const where = compileFilter(contactSpec, {
      email: { contains: 'Example', neq: 'a@example.com' },
      lifecycleStage: { in: ['LEAD', 'CUSTOMER'] },
      or: [{ lastName: { startsWith: 'Lo' } }, { not: { tags: { has: ' VIP ' } } }],
      account: { industry: { eq: 'Software' } },
    });
    expect(where).toEqual({
      AND: [
        { email: { contains: 'Example', mode: 'insensitive' } },
        { OR: [{ email: { not: 'a@example.com' } }, { email: null }] },
        { lifecycleStage: { in: ['LEAD', 'CUSTOMER'] } },
        { OR: [{ lastName: { startsWith: 'Lo', mode: 'insensitive' } }, { NOT: { tags: { has: 'vip' } } }] },
        { accounts: { some: { account: { AND: [{ deletedAt: null }, { industry: 'Software' }] } } } },
      ],
    });
  });

  it('treats isNull and empty filters', () => {
    expect(compileFilter(accountSpec, { domain: { isNull: true }, employees: { isNull: false } })).toEqual({
      AND: [{ domain: null }, { employees: { not: null } }],
    });
    expect(compileFilter(accountSpec, null)).toEqual({});
  });

  it.each([
    [{ nickname: { eq: 'x' } }, 'filter.nickname'],
    [{ email: { near: 'x' } }, 'filter.email.near'],
    [{ tags: { eq: 'x' } }, 'filter.tags.eq'],
    [{ lifecycleStage: { eq: 'KING' } }, 'filter.lifecycleStage.eq'],
    [{ or: [{}, { id: { eq: 'nope' } }] }, 'filter.or.1.id.eq'],
    [{ email: { eq: null } }, 'filter.email.eq'],
    [{ account: { revenue: { gt: 1 } } }, 'filter.account.revenue'],
    [{ email: { in: Array.from({ length: 501 }, (_, i) => `${i}`) } }, 'filter.email.in'],
  ])('rejects %o with BAD_USER_INPUT naming %s', (filter, field) => {
    expect(() => compileFilter(contactSpec, filter)).toThrowError(badInputOn(field));
  });

  it('limits nesting depth', () => {
    let filter: Record<string, unknown> = { email: { eq: 'a@b.co' } };
    for (let i = 0; i < 8; i++) filter = { not: filter };
    expect(() => compileFilter(contactSpec, filter)).toThrowError(expect.objectContaining({ extensions: expect.objectContaining({ code: 'BAD_USER_INPUT' }) }));
  });
});

describe('ordering and cursors', () => {
  it('defaults to newest first and always breaks ties by id', () => {
    expect(sortKeys(contactSpec, null).map((key) => `${key.column}:${key.desc}`)).toEqual(['createdAt:true', 'id:true']);
    expect(sortKeys(contactSpec, [{ field: 'LAST_NAME', direction: 'ASC' }, { field: 'EMAIL', direction: 'DESC' }]).map((key) => key.column)).toEqual([
      'lastName',
      'email',
      'id',
    ]);
  });

  it('rejects unknown and repeated sort fields', () => {
    expect(() => sortKeys(contactSpec, [{ field: 'SHOE_SIZE' }])).toThrowError(badInputOn('orderBy.0.field'));
    expect(() => sortKeys(contactSpec, [{ field: 'EMAIL' }, { field: 'EMAIL' }])).toThrowError(badInputOn('orderBy.1.field'));
  });

  it('validates page sizes and cursors', () => {
    const keys = sortKeys(contactSpec, [{ field: 'EMAIL' }]);
    expect(() => planPage(keys, { first: 101 })).toThrowError(badInputOn('first'));
    expect(() => planPage(keys, { last: 101 })).toThrowError(badInputOn('last'));
    expect(() => planPage(keys, { first: 1, last: 1 })).toThrowError(badInputOn('last'));
    expect(() => planPage(keys, { after: 'garbage' })).toThrowError(badInputOn('after'));
    const otherOrder = encodeCursor(sortKeys(contactSpec, null), { createdAt: new Date(), id: '00000000-0000-4000-8000-000000000000' });
    expect(() => planPage(keys, { before: otherOrder })).toThrowError(badInputOn('before'));
  });

  it('seeks past a cursor with empty values sorting last', () => {
    const keys = sortKeys(contactSpec, [{ field: 'EMAIL' }]);
    const id = '00000000-0000-4000-8000-000000000001';
    const after = planPage(keys, { first: 10, after: encodeCursor(keys, { email: 'b@x.co', id }) });
    expect(after.where).toEqual([{ OR: [{ email: { gt: 'b@x.co' } }, { AND: [{ email: 'b@x.co' }, { id: { gt: id } }] }, { email: null }] }]);
    expect(after.orderBy).toEqual([{ email: { sort: 'asc', nulls: 'last' } }, { id: 'asc' }]);
    const before = planPage(keys, { last: 10, before: encodeCursor(keys, { email: null, id }) });
    expect(before.where).toEqual([{ OR: [{ email: { not: null } }, { AND: [{ email: null }, { id: { lt: id } }] }] }]);
    expect(before.orderBy).toEqual([{ email: { sort: 'desc', nulls: 'first' } }, { id: 'desc' }]);
  });
});
