/**
 * Key rotation on real PostgreSQL: the new key is published at once and signs only after the lead
 * time; the old key keeps verifying for at least one access-token lifetime after it stops signing.
 */
import { createLocalJWKSet, jwtVerify } from 'jose';
import { afterAll, beforeAll, describe, expect, it } from 'vitest';
import { PrismaClient } from '../../__generated__/prisma/client.ts';
import { createScratchDatabase, type ScratchDatabase } from '../../test-support.ts';
import { ACCESS_TOKEN, signAccessToken } from './lib/access-token.ts';
import { createSigningKeyStore, ROTATION_LEAD_MS } from './services/signing-keys.ts';

let scratch: ScratchDatabase;
let prisma: PrismaClient;

beforeAll(async () => {
  scratch = await createScratchDatabase();
  prisma = new PrismaClient({ adapter: scratch.database.adapter });
});
afterAll(async () => {
  await prisma?.$disconnect();
  await scratch?.drop();
});

/** A fresh store (no cached key or key set) whose clock reads `at`. */
const storeAt = (at: number) => createSigningKeyStore({ prisma, clock: () => new Date(at) });
const kidsOf = async (store: ReturnType<typeof storeAt>) => (await store.jwks()).keys.map((key) => key.kid);

describe('signing key rotation', () => {
  it('publishes the new key first, switches after the lead, and keeps the old key verifiable for a token lifetime', async () => {
    const start = Date.now();
    const store = storeAt(start);
    const old = await store.active();
    const oldToken = await signAccessToken(old, { userId: 'u-1', tenantId: 't-1', roles: ['SALES_REP'], email: 'rep@example.com' }, new Date(start));

    const { kid, activeFrom } = await store.rotate();
    expect(kid).not.toBe(old.kid);
    expect(activeFrom.getTime()).toBe(start + ROTATION_LEAD_MS);

    // During the lead: the old key still signs, both keys are published.
    expect((await store.active()).kid).toBe(old.kid);
    expect(await kidsOf(store)).toEqual(expect.arrayContaining([old.kid, kid]));
    const during = await store.material();
    expect(during.activeKid).toBe(old.kid);
    expect(during.privateJwks.map((key) => key.kid)).toEqual([old.kid, kid]);
    expect(during.privateJwks.every((key) => typeof key.d === 'string')).toBe(true);

    // After the lead: the new key signs, the old one is still published.
    const after = storeAt(activeFrom.getTime() + 1);
    expect((await after.active()).kid).toBe(kid);
    expect((await after.material()).privateJwks[0]!.kid).toBe(kid);
    expect(await kidsOf(after)).toEqual(expect.arrayContaining([old.kid, kid]));

    // A token the old key signed just before it retired still verifies until it expires.
    const lastOldToken = await signAccessToken(old, { userId: 'u-1', tenantId: 't-1', roles: ['SALES_REP'], email: 'rep@example.com' }, activeFrom);
    const atExpiry = activeFrom.getTime() + ACCESS_TOKEN.ttlSeconds * 1000 - 1_000;
    const keys = createLocalJWKSet(await storeAt(atExpiry).jwks());
    await expect(jwtVerify(lastOldToken, keys, { currentDate: new Date(atExpiry) })).resolves.toBeDefined();
    await expect(jwtVerify(oldToken, keys, { currentDate: new Date(start + 1_000) })).resolves.toBeDefined();

    // Long after: only the new key is published.
    const muchLater = storeAt(activeFrom.getTime() + ACCESS_TOKEN.ttlSeconds * 1000 + 10 * 60_000);
    expect(await kidsOf(muchLater)).toEqual([kid]);
  });

  it('a second rotation during the lead keeps one signing key at a time', async () => {
    const now = Date.now() + 24 * 60 * 60_000;
    const store = storeAt(now);
    const first = await store.rotate();
    const second = await storeAt(now + 1).rotate();
    const during = storeAt(now + 2);
    // The key published by the first rotation signs until the second rotation's lead is over.
    expect((await during.active()).kid).toBe(first.kid);
    expect((await storeAt(second.activeFrom.getTime() + 1).active()).kid).toBe(second.kid);
  });
});
