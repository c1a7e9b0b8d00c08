import { createServer, type Server } from 'node:http';
import type { AddressInfo } from 'node:net';
import { afterEach, describe, expect, it } from 'vitest';
import { IDENTITY_HEADER, verifyIdentity } from '@crm/runtime';
import { parseTeamMembers, platformTeamDirectory, TEAM_MEMBERS_PATH } from './team-directory.ts';

const SECRET = 'team-directory-test-secret-0123456789abcdef';
const TEAMS = [{ teamId: 'team-a', name: 'Alpha', memberIds: ['u1', 'u2'] }];
let server: Server | undefined;

afterEach(async () => {
  await new Promise<void>((resolve) => (server ? server.close(() => resolve()) : resolve()));
  server = undefined;
});

/** A platform stand-in answering the route; records the tenants asked for and whether the request was signed. */
async function platform(answer: (tenantId: string) => unknown) {
  const asked: Array<{ tenantId: string; path: string; signed: boolean }> = [];
  server = createServer((req, res) => {
    let body = '';
    req.on('data', (chunk: Buffer) => (body += chunk.toString()));
    req.on('end', () => {
      const { tenantId } = JSON.parse(body) as { tenantId: string };
      asked.push({ tenantId, path: req.url ?? '', signed: verifyIdentity(req.headers[IDENTITY_HEADER] as string, SECRET) !== null });
      res.writeHead(200, { 'content-type': 'application/json' }).end(JSON.stringify(answer(tenantId)));
    });
  });
  await new Promise<void>((resolve) => server!.listen(0, '127.0.0.1', resolve));
  return { asked, url: `http://127.0.0.1:${(server!.address() as AddressInfo).port}/graphql` };
}

describe('platformTeamDirectory', () => {
  it('asks the platform route, signed, once per tenant while remembered, and again after ttlMs', async () => {
    const { asked, url } = await platform(() => ({ teams: TEAMS }));
    let now = 1_000;
    const directory = platformTeamDirectory({ platformUrl: () => url, signingSecret: SECRET, ttlMs: 60_000, clock: () => now });
    expect(await Promise.all([directory('t1'), directory('t1')])).toEqual([TEAMS, TEAMS]);
    expect(await directory('t1')).toEqual(TEAMS);
    expect(asked).toEqual([{ tenantId: 't1', path: TEAM_MEMBERS_PATH, signed: true }]);
    await directory('t2');
    now += 60_001;
    await directory('t1');
    expect(asked.map((call) => call.tenantId)).toEqual(['t1', 't2', 't1']);
  });

  it('asks afresh when told to, and remembers the fresh answer', async () => {
    let teams = TEAMS;
    const { asked, url } = await platform(() => ({ teams }));
    const directory = platformTeamDirectory({ platformUrl: () => url, signingSecret: SECRET });
    expect(await directory('t1')).toEqual(TEAMS);
    teams = [...TEAMS, { teamId: 'team-b', name: 'Beta', memberIds: [] }];
    expect(await directory('t1')).toEqual(TEAMS);
    expect(await directory('t1', { fresh: true })).toEqual(teams);
    expect(await directory('t1')).toEqual(teams);
    expect(asked).toHaveLength(2);
  });

  it('throws when the platform answers something unexpected or cannot be reached', async () => {
    const { url } = await platform(() => ({ teams: [{ teamId: 1 }] }));
    await expect(platformTeamDirectory({ platformUrl: url, signingSecret: SECRET })('t1')).rejects.toThrow(/unexpected/);
    await expect(platformTeamDirectory({ platformUrl: 'http://127.0.0.1:9/graphql', signingSecret: SECRET, timeoutMs: 500 })('t1')).rejects.toThrow();
  });
});

describe('parseTeamMembers', () => {
  it('accepts the route answer and refuses anything else', () => {
    expect(parseTeamMembers({ teams: TEAMS })).toEqual(TEAMS);
    expect(parseTeamMembers({ teams: [] })).toEqual([]);
    expect(parseTeamMembers({ teams: [{ teamId: 't', name: 'n', memberIds: [1] }] })).toBeUndefined();
    expect(parseTeamMembers({ teams: 'x' })).toBeUndefined();
    expect(parseTeamMembers(null)).toBeUndefined();
  });
});
