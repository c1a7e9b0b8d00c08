/**
 * API keys for partners: created by tenant admins, shown once, stored as a digest, acting with
 * one role in one tenant, optionally expiring, revocable, with the time of last use recorded.
 */
import { z } from 'zod';
import { withTenantTransaction } from '@crm/db';
import { appendOutbox, createEvent } from '@crm/events';
import { badInput, notFound } from '@crm/runtime';
import type { PrismaClient, Role } from '../../../__generated__/prisma/client.ts';
import type { ApiKeyModel } from '../../../__generated__/prisma/models.ts';
import type { TenantDb } from '../../../context.ts';
import { parseInput, recordId } from '../../../lib/arguments.ts';
import { SYSTEM_ACTOR, type Actor } from '../../../lib/events.ts';
import { generateApiKey, hashApiKey, looksLikeApiKey } from '../lib/api-key-secret.ts';

/** `lastUsedAt` is written at most this often per key, so busy keys do not write on every call. */
export const LAST_USED_RESOLUTION_MS = 60_000;

/** Roles a key may act with. System Admin is the platform's own and is never given to a key. */
const KEY_ROLES = ['TENANT_ADMIN', 'SALES_MANAGER', 'SALES_REP'] as const satisfies readonly Role[];

const createApiKeyInput = z.object({
  name: z.string().trim().min(1).max(200),
  role: z.enum(KEY_ROLES, { message: `role must be one of ${KEY_ROLES.join(', ')}` }),
  expiresAt: z.coerce.date().nullish(),
  persistedOnly: z.boolean().nullish(),
});
export interface CreateApiKeyInput {
  name: string;
  /** Any role but SYSTEM_ADMIN. */
  role: Role;
  expiresAt?: Date | string | null;
  /** Only persisted operations may be run with the key. Default false. */
  persistedOnly?: boolean | null;
}

export interface CreatedApiKey {
  apiKey: ApiKeyModel;
  /** The key itself; it is not stored and cannot be shown again. */
  key: string;
}

/** Who an API key acts as, for the gateway to forward like a verified token. */
export interface ApiKeyIdentity {
  tenantId: string;
  roles: string[];
  apiKeyId: string;
  /** The key may only run persisted operations. */
  persistedOnly: boolean;
  /** When the key stops working, or null. */
  expiresAt: Date | null;
}

export interface ApiKeyEventPayload extends Record<string, unknown> {
  apiKeyId: string;
  name: string;
  role: Role;
  prefix: string;
  expiresAt: string | null;
  persistedOnly: boolean;
}

export interface ApiKeyService {
  /** Creates a key in `tenantId` and emits `platform.apikey.created` (without the secret). */
  create(tenantId: string, input: CreateApiKeyInput, actor?: Actor): Promise<CreatedApiKey>;
  /** Revokes a key of the tenant (again: no change) and emits `platform.apikey.revoked`. NOT_FOUND for unknown ids. */
  revoke(tenantId: string, id: string, actor?: Actor): Promise<ApiKeyModel>;
  /** The tenant's keys, newest first. */
  list(db: TenantDb): Promise<ApiKeyModel[]>;
  /**
   * The identity behind a presented key, or null when it is unknown, revoked or expired.
   * Records the time of use (at most once per minute per key).
   */
  verify(key: string): Promise<ApiKeyIdentity | null>;
}

export interface ApiKeyServiceDeps {
  prisma: PrismaClient;
  afterCommit: () => void;
  clock?: () => Date;
}

/** One row of `platform_find_api_key`. */
interface KeyLookup {
  id: string;
  tenantId: string;
  role: string;
  expiresAt: Date | null;
  revokedAt: Date | null;
  lastUsedAt: Date | null;
  persistedOnly: boolean;
}

const payloadOf = (key: ApiKeyModel): ApiKeyEventPayload => ({
  apiKeyId: key.id,
  name: key.name,
  role: key.role,
  prefix: key.prefix,
  expiresAt: key.expiresAt?.toISOString() ?? null,
  persistedOnly: key.persistedOnly,
});

export function createApiKeyService({ prisma, afterCommit, clock = () => new Date() }: ApiKeyServiceDeps): ApiKeyService {
  return {
    async create(tenantId, input, actor = SYSTEM_ACTOR) {
      const data = parseInput(createApiKeyInput, input);
      if (data.expiresAt && data.expiresAt.getTime() <= clock().getTime()) throw badInput('expiresAt must be in the future', 'expiresAt');
      const tenant = recordId(tenantId, 'tenantId');
      const secret = generateApiKey();
      const apiKey = await withTenantTransaction(prisma, tenant, async (tx) => {
        const created = await tx.apiKey.create({
          data: {
            tenantId: tenant,
            name: data.name,
            role: data.role,
            prefix: secret.prefix,
            keyHash: secret.hash,
            createdById: actor.userId,
            expiresAt: data.expiresAt ?? null,
            persistedOnly: data.persistedOnly ?? false,
          },
        });
        await appendOutbox(
          tx,
          createEvent<ApiKeyEventPayload>({ type: 'platform.apikey.created', tenantId: tenant, actor, aggregateId: created.id, payload: payloadOf(created) }),
        );
        return created;
      });
      afterCommit();
      return { apiKey, key: secret.key };
    },

    async revoke(tenantId, id, actor = SYSTEM_ACTOR) {
      const tenant = recordId(tenantId, 'tenantId');
      const keyId = recordId(id);
      let changed = false;
      const apiKey = await withTenantTransaction(prisma, tenant, async (tx) => {
        const existing = await tx.apiKey.findFirst({ where: { id: keyId, tenantId: tenant } });
        if (!existing) throw notFound('ApiKey', keyId);
        if (existing.revokedAt) return existing;
        const revoked = await tx.apiKey.update({ where: { id: keyId }, data: { revokedAt: clock() } });
        await appendOutbox(
          tx,
          createEvent<ApiKeyEventPayload>({ type: 'platform.apikey.revoked', tenantId: tenant, actor, aggregateId: keyId, payload: payloadOf(revoked) }),
        );
        changed = true;
        return revoked;
      });
      if (changed) afterCommit();
      return apiKey;
    },

    list(db) {
      return db.apiKey.findMany({ orderBy: [{ createdAt: 'desc' }, { id: 'desc' }] });
    },

    async verify(key) {
      if (!looksLikeApiKey(key)) return null;
      const [found] = await prisma.$queryRaw<KeyLookup[]>`
        SELECT "id"::text AS "id", "tenantId"::text AS "tenantId", "role", "expiresAt", "revokedAt", "lastUsedAt", "persistedOnly"
        FROM platform_find_api_key(${hashApiKey(key)}::text)`;
      const now = clock();
      if (!found || found.revokedAt || (found.expiresAt && found.expiresAt.getTime() <= now.getTime())) return null;
      if (!found.lastUsedAt || now.getTime() - found.lastUsedAt.getTime() >= LAST_USED_RESOLUTION_MS) {
        const staleBefore = new Date(now.getTime() - LAST_USED_RESOLUTION_MS);
        await withTenantTransaction(prisma, found.tenantId, (tx) =>
          tx.apiKey.updateMany({
            where: { id: found.id, OR: [{ lastUsedAt: null }, { lastUsedAt: { lte: staleBefore } }] },
            data: { lastUsedAt: now },
          }),
        );
      }
      return { tenantId: found.tenantId, roles: [found.role], apiKeyId: found.id, persistedOnly: found.persistedOnly, expiresAt: found.expiresAt };
    },
  };
}
