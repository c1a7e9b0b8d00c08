/**
 * The key pairs that sign access tokens.
 *
 * The first start of the platform creates one Ed25519 key pair and stores it in
 * `SigningKey`; every later start (and every replica) reuses it, so tokens stay valid
 * across restarts. The key id (`kid`) is the key's RFC 7638 thumbprint. Public keys are
 * published as a JWKS; a retired key stays published until tokens it signed have expired.
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

export interface SigningKeyStore {
  /** The key that signs new tokens (the oldest key not retired); created when none exists. */
  active(): Promise<SigningKey>;
  /** Public keys for verifiers: `{ keys: [...] }` as served at `/.well-known/jwks.json`. */
  jwks(): Promise<JSONWebKeySet>;
}

export interface SigningKeyStoreDeps {
  prisma: PrismaClient;
  clock?: () => Date;
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

export function createSigningKeyStore({ prisma, clock = () => new Date() }: SigningKeyStoreDeps): SigningKeyStore {
  let active: Promise<SigningKey> | undefined;
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

  async function load(): Promise<SigningKey> {
    const row = await ensureRow();
    if (!isJwk(row.privateJwk)) throw new Error(`Signing key ${row.id} has no usable private JWK`);
    const privateKey = await importJWK(row.privateJwk, row.algorithm);
    return { kid: row.id, privateKey: privateKey as CryptoKey };
  }

  function activeKey(): Promise<SigningKey> {
    if (!active) {
      active = load();
      active.catch(() => (active = undefined));
    }
    return active;
  }

  async function readJwks(): Promise<JSONWebKeySet> {
    await activeKey();
    const stillVerifiable = new Date(clock().getTime() - ACCESS_TOKEN.ttlSeconds * 1000);
    const rows = await prisma.signingKey.findMany({
      where: { OR: [{ retiredAt: null }, { retiredAt: { gt: stillVerifiable } }] },
      orderBy: [{ createdAt: 'asc' }, { id: 'asc' }],
      select: { publicJwk: true },
    });
    return { keys: rows.map((row) => row.publicJwk).filter(isJwk) };
  }

  return {
    active: activeKey,
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
