/**
 * The key pairs that sign access tokens.
 *
 * The first start of the platform creates one Ed25519 key pair and stores it in
 * `SigningKey`; every later start (and every replica) reuses it, so tokens stay valid
 * across restarts. The key id (`kid`) is the key's RFC 7638 thumbprint. Public keys are
 * published as a JWKS; a retired key stays published until tokens it signed have expired.
 *
 * Rotation (`rotate()`) runs in two steps so that no verifier ever sees a token signed with a key it
 * has not been shown: the new key is published at once, and the current key keeps signing for
 * `rotationLeadMs` (default 2 minutes, longer than any replica caches the JWKS), then retires.
 * A retired key stays in the JWKS for one access-token lifetime plus the time a replica may keep
 * signing with a key it loaded earlier (`ACTIVE_REFRESH_MS`).
 *
 * The private JWK is stored as plain JSON for now; encrypting it at rest is planned.
 */
import { calculateJwkThumbprint, exportJWK, generateKeyPair, importJWK, type CryptoKey, type JSONWebKeySet, type JWK } from 'jose';
import type { PrismaClient } from '../../../__generated__/prisma/client.ts';
import type { SigningKeyModel } from '../../../__generated__/prisma/models.ts';
import { ACCESS_TOKEN, type SigningKey } from '../lib/access-token.ts';

/** Serialises key creation across replicas (arbitrary constant, unique within this database). */
const CREATE_KEY_LOCK = 7_431_002_001;
/** How long the published key set is reused before re-reading the table. */
const JWKS_REFRESH_MS = 60_000;
/** How long a replica keeps signing with the key it loaded before looking for a newer one. */
const ACTIVE_REFRESH_MS = 60_000;
/** How long a retired key stays published: tokens it signed, including a late replica's, have expired by then. */
const RETIRED_PUBLISHED_MS = ACCESS_TOKEN.ttlSeconds * 1000 + ACTIVE_REFRESH_MS + JWKS_REFRESH_MS;
/** How long a rotated-out key keeps signing while every replica publishes its successor. */
export const ROTATION_LEAD_MS = JWKS_REFRESH_MS + 60_000;

/** Private and public JWKs of every published key, for an issuer that signs with the same keys (OpenID Connect). */
export interface SigningKeyMaterial {
  /** `kid` of the key that signs new tokens. */
  activeKid: string;
  /** Private JWKs (with `kid`, `alg`, `use`) of every key still published, the active one first. */
  privateJwks: JWK[];
}

export interface SigningKeyStore {
  /** The key that signs new tokens (see rotation above); created when none exists. */
  active(): Promise<SigningKey>;
  /** Public keys for verifiers: `{ keys: [...] }` as served at `/.well-known/jwks.json`. */
  jwks(): Promise<JSONWebKeySet>;
  /**
   * Publishes a new key, which starts signing after `rotationLeadMs`; the keys in use until then
   * retire at that moment (and stay published for one token lifetime more). Returns the new key's id.
   */
  rotate(): Promise<{ kid: string; activeFrom: Date }>;
  /** The published keys with their private parts, for the OpenID Connect provider. */
  material(): Promise<SigningKeyMaterial>;
}

export interface SigningKeyStoreDeps {
  prisma: PrismaClient;
  clock?: () => Date;
  /** How long the outgoing key keeps signing after `rotate()`, ms. Default `ROTATION_LEAD_MS`. */
  rotationLeadMs?: number;
}

function isJwk(value: unknown): value is JWK {
  return typeof value === 'object' && value !== null && !Array.isArray(value) && typeof (value as JWK).kty === 'string';
}

async function newKeyRow(): Promise<Pick<SigningKeyModel, 'id' | 'algorithm'> & { publicJwk: JWK; privateJwk: JWK }> {
  const { publicKey, privateKey } = await generateKeyPair(ACCESS_TOKEN.algorithm, { crv: 'Ed25519', extractable: true });
  const publicJwk = await exportJWK(publicKey);
  const kid = await calculateJwkThumbprint(publicJwk);
  const meta = { kid, alg: ACCESS_TOKEN.algorithm, use: 'sig' };
  return {
    id: kid,
    algorithm: ACCESS_TOKEN.algorithm,
    publicJwk: { ...publicJwk, ...meta },
    privateJwk: { ...(await exportJWK(privateKey)), ...meta },
  };
}

export function createSigningKeyStore({ prisma, clock = () => new Date(), rotationLeadMs = ROTATION_LEAD_MS }: SigningKeyStoreDeps): SigningKeyStore {
  let active: Promise<SigningKey> | undefined;
  let activeLoadedAt = 0;
  let published: { at: number; jwks: Promise<JSONWebKeySet> } | undefined;

  const oldestActive = () => prisma.signingKey.findFirst({ where: { retiredAt: null }, orderBy: [{ createdAt: 'asc' }, { id: 'asc' }] });

  async function ensureRow(): Promise<SigningKeyModel> {
    const existing = await oldestActive();
    if (existing) return existing;
    return prisma.$transaction(async (tx) => {
      await tx.$executeRaw`SELECT pg_advisory_xact_lock(${CREATE_KEY_LOCK})`;
      const raced = await tx.signingKey.findFirst({ where: { retiredAt: null }, orderBy: [{ createdAt: 'asc' }, { id: 'asc' }] });
      if (raced) return raced;
      return tx.signingKey.create({ data: await newKeyRow() });
    });
  }

  /** The key that signs now: one rotated out but not yet retired, else the oldest key not retired. */
  async function currentRow(): Promise<SigningKeyModel> {
    const outgoing = await prisma.signingKey.findFirst({ where: { retiredAt: { gt: clock() } }, orderBy: [{ retiredAt: 'desc' }, { id: 'asc' }] });
    return outgoing ?? ensureRow();
  }

  async function load(): Promise<SigningKey> {
    const row = await currentRow();
    if (!isJwk(row.privateJwk)) throw new Error(`Signing key ${row.id} has no usable private JWK`);
    const privateKey = await importJWK(row.privateJwk, row.algorithm);
    return { kid: row.id, privateKey: privateKey as CryptoKey };
  }

  function activeKey(): Promise<SigningKey> {
    const now = clock().getTime();
    if (!active || now - activeLoadedAt > ACTIVE_REFRESH_MS) {
      activeLoadedAt = now;
      active = load();
      active.catch(() => (active = undefined));
    }
    return active;
  }

  async function readJwks(): Promise<JSONWebKeySet> {
    await activeKey();
    const stillVerifiable = new Date(clock().getTime() - RETIRED_PUBLISHED_MS);
    const rows = await prisma.signingKey.findMany({
      where: { OR: [{ retiredAt: null }, { retiredAt: { gt: stillVerifiable } }] },
      orderBy: [{ createdAt: 'asc' }, { id: 'asc' }],
      select: { publicJwk: true },
    });
    return { keys: rows.map((row) => row.publicJwk).filter(isJwk) };
  }

  async function rotate(): Promise<{ kid: string; activeFrom: Date }> {
    const fresh = await newKeyRow();
    const activeFrom = new Date(clock().getTime() + rotationLeadMs);
    await prisma.$transaction(async (tx) => {
      await tx.$executeRaw`SELECT pg_advisory_xact_lock(${CREATE_KEY_LOCK})`;
      await tx.signingKey.updateMany({ where: { retiredAt: null }, data: { retiredAt: activeFrom } });
      await tx.signingKey.create({ data: fresh });
    });
    active = undefined;
    published = undefined;
    return { kid: fresh.id, activeFrom };
  }

  async function material(): Promise<SigningKeyMaterial> {
    const current = await activeKey();
    const stillVerifiable = new Date(clock().getTime() - RETIRED_PUBLISHED_MS);
    const rows = await prisma.signingKey.findMany({
      where: { OR: [{ retiredAt: null }, { retiredAt: { gt: stillVerifiable } }] },
      orderBy: [{ createdAt: 'asc' }, { id: 'asc' }],
      select: { id: true, privateJwk: true },
    });
    const privateJwks = rows.map((row) => row.privateJwk).filter(isJwk);
    privateJwks.sort((a, b) => Number(b.kid === current.kid) - Number(a.kid === current.kid));
    return { activeKid: current.kid, privateJwks };
  }

  return {
    active: activeKey,
    rotate,
    material,
    jwks() {
      const now = Date.now();
      if (!published || now - published.at > JWKS_REFRESH_MS) {
        const jwks = readJwks();
        published = { at: now, jwks };
        jwks.catch(() => (published = undefined));
      }
      return published.jwks;
    },
  };
}
