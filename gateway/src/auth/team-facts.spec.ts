import { createServer, type IncomingMessage, type Server } from 'node:http';
import type { AddressInfo } from 'node:net';
import { afterEach, describe, expect, it } from 'vitest';
import { createLogger, IDENTITY_HEADER, MemoryCache, verifyIdentity, type Identity } from '@crm/runtime';
import { createTeamFactsResolver, parseTeamFacts, platformTeamFactsLookup, staleFactsOf, teamFactsCacheKey, teamFactsUrl, type TeamFacts } from './team-facts.ts';

const logger = createLogger('team-facts-test', 'silent');
const user: Identity = { tenantId: 'tenant-1', userId: 'user-1', roles: ['SALES_MANAGER'], requestId: 'r-1' };
const facts: TeamFacts = { teamId: 'team-1', teamMemberIds: ['user-1', 'user-2'], customGrants: { 'contact:read': 'tenant' } };

function countingLookup(answer: () => Promise<TeamFacts>) {
  const calls: string[] = [];
  return { calls, lookup: async (tenantId: string, userId: string) => (calls.push(`${tenantId}/${userId}`), answer()) };
}

describe('createTeamFactsResolver', () => {
  it('adds the team facts to a user identity and asks the platform once per user while cached', async () => {
    const { calls, lookup } = countingLookup(async () => facts);
    const resolver = createTeamFactsResolver({ lookup, cache: new MemoryCache(), logger });
    expect(await resolver.enrich(user)).toEqual({ ...user, ...facts });
    expect(await resolver.enrich({ ...user, requestId: 'r-2' })).toEqual({ ...user, requestId: 'r-2', ...facts });
    expect(calls).toEqual(['tenant-1/user-1']);
  });

  it('leaves API keys and anonymous callers as they are', async () => {
    const { calls, lookup } = countingLookup(async () => facts);
    const resolver = createTeamFactsResolver({ lookup, cache: new MemoryCache(), logger });
    const apiKey: Identity = { tenantId: 'tenant-1', userId: null, roles: ['SALES_REP'], requestId: 'r', actorKind: 'apikey', apiKeyId: 'k' };
    expect(await resolver.enrich(apiKey)).toBe(apiKey);
    const anonymous: Identity = { tenantId: null, userId: null, roles: [], requestId: 'r' };
    expect(await resolver.enrich(anonymous)).toBe(anonymous);
    expect(calls).toEqual([]);
  });

  it('treats the caller as teamless when the platform cannot answer, and asks again next time', async () => {
    let failing = true;
    const { calls, lookup } = countingLookup(async () => {
      if (failing) throw new Error('down');
      return facts;
    });
    const resolver = createTeamFactsResolver({ lookup, cache: new MemoryCache(), logger });
    expect(await resolver.enrich(user)).toEqual({ ...user, teamId: null, teamMemberIds: [], customGrants: {} });
    failing = false;
    expect(await resolver.enrich(user)).toEqual({ ...user, ...facts });
    expect(calls).toHaveLength(2);
  });

  it('caches under a per-user key for the given time', async () => {
    const cache = new MemoryCache();
    const resolver = createTeamFactsResolver({ lookup: async () => facts, cache, logger, ttlSeconds: 60 });
    await resolver.enrich(user);
    expect(JSON.parse((await cache.get(teamFactsCacheKey('tenant-1', 'user-1')))!)).toEqual(facts);
  });

  it('reuses the facts it read for memoryMs without asking the shared cache, and forgets them with the rest', async () => {
    const { lookup } = countingLookup(async () => facts);
    const cache = new MemoryCache();
    let reads = 0;
    const counting = Object.assign(Object.create(cache) as MemoryCache, { get: (key: string) => (reads++, cache.get(key)) });
    let now = 1_000_000;
    const resolver = createTeamFactsResolver({ lookup, cache: counting, logger, memoryMs: 1_000, now: () => now });
    await resolver.factsOf('tenant-1', 'user-1'); // asks the platform, stores in the shared cache
    await resolver.factsOf('tenant-1', 'user-1'); // from the shared cache, remembered
    const afterStore = reads;
    await resolver.factsOf('tenant-1', 'user-1');
    expect(reads).toBe(afterStore);
    now += 1_000;
    await resolver.factsOf('tenant-1', 'user-1');
    expect(reads).toBe(afterStore + 1);
    await resolver.forget('tenant-1', ['user-1']);
    await resolver.factsOf('tenant-1', 'user-1');
    expect(reads).toBe(afterStore + 2);
  });

  it('asks the platform again once the facts of a user are forgotten, and only for that user', async () => {
    let answer = facts;
    const { calls, lookup } = countingLookup(async () => answer);
    const resolver = createTeamFactsResolver({ lookup, cache: new MemoryCache(), logger });
    const other: Identity = { ...user, userId: 'user-2' };
    await resolver.enrich(user);
    await resolver.enrich(other);
    answer = { ...facts, customGrants: {} };
    await resolver.forget('tenant-1', ['user-1']);
    expect((await resolver.enrich(user)).customGrants).toEqual({});
    expect((await resolver.enrich(other)).customGrants).toEqual({ 'contact:read': 'tenant' });
    expect(calls).toEqual(['tenant-1/user-1', 'tenant-1/user-2', 'tenant-1/user-1']);
  });

  it('does not cache an answer asked for before the facts were forgotten', async () => {
    let release: (value: TeamFacts) => void = () => {};
    const { calls, lookup } = countingLookup(() => new Promise<TeamFacts>((resolve) => (release = resolve)));
    const cache = new MemoryCache();
    const resolver = createTeamFactsResolver({ lookup, cache, logger });
    const pending = resolver.enrich(user);
    await new Promise((resolve) => setTimeout(resolve, 0));
    await resolver.forget('tenant-1', ['user-1']);
    release(facts);
    await pending;
    expect(await cache.get(teamFactsCacheKey('tenant-1', 'user-1'))).toBeNull();
    expect(calls).toHaveLength(1);
  });
});

describe('staleFactsOf', () => {
  it('names the holders of an updated role and a user whose roles changed, and nothing for other events', () => {
    expect(staleFactsOf({ type: 'platform.role.updated', tenantId: 't', payload: { roleId: 'r', userIds: ['u1', 'u2'] } })).toEqual({ tenantId: 't', userIds: ['u1', 'u2'] });
    expect(staleFactsOf({ type: 'platform.user.roles_changed', tenantId: 't', payload: { userId: 'u1' } })).toEqual({ tenantId: 't', userIds: ['u1'] });
    expect(staleFactsOf({ type: 'platform.role.created', tenantId: 't', payload: { roleId: 'r' } })).toBeNull();
    expect(staleFactsOf({ type: 'platform.role.updated', tenantId: 't', payload: { roleId: 'r' } })).toBeNull();
  });
});

describe('parseTeamFacts', () => {
  it('accepts the platform answer and refuses anything else', () => {
    expect(parseTeamFacts({ teamId: null, teamMemberIds: [] })).toEqual({ teamId: null, teamMemberIds: [], customGrants: {} });
    expect(parseTeamFacts(facts)).toEqual(facts);
    expect(parseTeamFacts({ ...facts, customGrants: ['contact:read'] })).toBeUndefined();
    expect(parseTeamFacts({ ...facts, customGrants: { 'contact:read': 1 } })).toBeUndefined();
    expect(parseTeamFacts({ teamId: 3, teamMemberIds: [] })).toBeUndefined();
    expect(parseTeamFacts({ teamId: 't', teamMemberIds: [1] })).toBeUndefined();
    expect(parseTeamFacts(null)).toBeUndefined();
  });
});

describe('deal amount masking with the team facts', () => {
  it('is read from the platform answer only when true, and signed into the identity', async () => {
    expect(parseTeamFacts({ ...facts, maskDealAmountsOutsideTeam: true })).toEqual({ ...facts, maskDealAmountsOutsideTeam: true });
    expect(parseTeamFacts({ ...facts, maskDealAmountsOutsideTeam: 'yes' })).toEqual(facts);
    const resolver = createTeamFactsResolver({ lookup: async () => ({ ...facts, maskDealAmountsOutsideTeam: true }), cache: new MemoryCache(), logger });
    expect(await resolver.enrich(user)).toEqual({ ...user, ...facts, maskDealAmountsOutsideTeam: true });
    // remembered with the facts: a cached answer keeps it
    expect((await resolver.enrich({ ...user, requestId: 'r-2' })).maskDealAmountsOutsideTeam).toBe(true);
  });
});

describe('platformTeamFactsLookup', () => {
  let server: Server | undefined;
  afterEach(() => new Promise<void>((resolve) => (server ? server.close(() => resolve()) : resolve())));

  it('posts the user to the platform route with a gateway signature', async () => {
    const seen: { identity: unknown; body: unknown }[] = [];
    server = createServer((req: IncomingMessage, res) => {
      const chunks: Buffer[] = [];
      req.on('data', (chunk: Buffer) => chunks.push(chunk));
      req.on('end', () => {
        seen.push({ identity: verifyIdentity(req.headers[IDENTITY_HEADER] as string, 'secret'), body: JSON.parse(Buffer.concat(chunks).toString()) });
        res.setHeader('content-type', 'application/json');
        res.end(JSON.stringify(facts));
      });
    });
    await new Promise<void>((resolve) => server!.listen(0, '127.0.0.1', resolve));
    const { port } = server.address() as AddressInfo;
    const url = teamFactsUrl(`http://127.0.0.1:${port}/graphql`);
    expect(url).toBe(`http://127.0.0.1:${port}/internal/users/team-facts`);
    expect(await platformTeamFactsLookup({ url, signingSecret: 'secret' })('tenant-1', 'user-1')).toEqual(facts);
    expect(seen[0]?.identity).not.toBeNull();
    expect(seen[0]?.body).toEqual({ tenantId: 'tenant-1', userId: 'user-1' });
  });
});
