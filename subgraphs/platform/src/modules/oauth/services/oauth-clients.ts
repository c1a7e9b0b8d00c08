/**
 * Partner OAuth clients: created by tenant admins, secret shown once and stored as a digest, acting
 * with one role in one tenant through the client credentials grant, revocable at once.
 */
import { z } from 'zod';
import { withTenantTransaction } from '@crm/db';
import { appendOutbox, createEvent } from '@crm/events';
import { notFound } from '@crm/runtime';
import type { PrismaClient, Role } from '../../../__generated__/prisma/client.ts';
import type { OAuthClientModel } from '../../../__generated__/prisma/models.ts';
import type { TenantDb } from '../../../context.ts';
import { isUuid, parseInput, recordId } from '../../../lib/arguments.ts';
import { SYSTEM_ACTOR, type Actor } from '../../../lib/events.ts';
import { generateClientSecret } from '../lib/client-secret.ts';

/** Roles a client may act with. System Admin is the platform's own and is never given to a client. */
const CLIENT_ROLES = ['TENANT_ADMIN', 'SALES_MANAGER', 'SALES_REP'] as const satisfies readonly Role[];

const createClientInput = z.object({
  name: z.string().trim().min(1).max(200),
  role: z.enum(CLIENT_ROLES, { message: `role must be one of ${CLIENT_ROLES.join(', ')}` }),
});
export interface CreateOAuthClientInput {
  name: string;
  /** Any role but SYSTEM_ADMIN. */
  role: Role;
}

export interface CreatedOAuthClient {
  client: OAuthClientModel;
  clientId: string;
  /** Not stored; it cannot be shown again. */
  clientSecret: string;
}

/** What the token endpoint needs to know about a client (`platform_find_oauth_client`). */
export interface PartnerClient {
  id: string;
  tenantId: string;
  role: string;
  secretHash: string;
  revoked: boolean;
}

export interface OAuthClientEventPayload extends Record<string, unknown> {
  clientId: string;
  name: string;
  role: Role;
}

export interface OAuthClientService {
  /** Creates a client in `tenantId` and emits `platform.oauthclient.created` (without the secret). */
  create(tenantId: string, input: CreateOAuthClientInput, actor?: Actor): Promise<CreatedOAuthClient>;
  /** Revokes a client of the tenant (again: no change) and emits `platform.oauthclient.revoked`. NOT_FOUND for unknown ids. */
  revoke(tenantId: string, id: string, actor?: Actor): Promise<OAuthClientModel>;
  /** The tenant's clients, newest first. */
  list(db: TenantDb): Promise<OAuthClientModel[]>;
  /** The client with this `client_id`, in whichever tenant, or null (also for ids that are not UUIDs). */
  find(clientId: string): Promise<PartnerClient | null>;
}

export interface OAuthClientServiceDeps {
  prisma: PrismaClient;
  afterCommit: () => void;
  clock?: () => Date;
}

const payloadOf = (client: OAuthClientModel): OAuthClientEventPayload => ({ clientId: client.id, name: client.name, role: client.role });

export function createOAuthClientService({ prisma, afterCommit, clock = () => new Date() }: OAuthClientServiceDeps): OAuthClientService {
  return {
    async create(tenantId, input, actor = SYSTEM_ACTOR) {
      const data = parseInput(createClientInput, input);
      const tenant = recordId(tenantId, 'tenantId');
      const secret = generateClientSecret();
      const client = await withTenantTransaction(prisma, tenant, async (tx) => {
        const created = await tx.oAuthClient.create({
          data: { tenantId: tenant, name: data.name, role: data.role, secretHash: secret.hash, createdById: actor.userId },
        });
        await appendOutbox(
          tx,
          createEvent<OAuthClientEventPayload>({ type: 'platform.oauthclient.created', tenantId: tenant, actor, aggregateId: created.id, payload: payloadOf(created) }),
        );
        return created;
      });
      afterCommit();
      return { client, clientId: client.id, clientSecret: secret.secret };
    },

    async revoke(tenantId, id, actor = SYSTEM_ACTOR) {
      const tenant = recordId(tenantId, 'tenantId');
      const clientId = recordId(id);
      let changed = false;
      const client = await withTenantTransaction(prisma, tenant, async (tx) => {
        const existing = await tx.oAuthClient.findFirst({ where: { id: clientId, tenantId: tenant } });
        if (!existing) throw notFound('OAuthClient', clientId);
        if (existing.revokedAt) return existing;
        const revoked = await tx.oAuthClient.update({ where: { id: clientId }, data: { revokedAt: clock() } });
        await appendOutbox(
          tx,
          createEvent<OAuthClientEventPayload>({ type: 'platform.oauthclient.revoked', tenantId: tenant, actor, aggregateId: clientId, payload: payloadOf(revoked) }),
        );
        changed = true;
        return revoked;
      });
      if (changed) afterCommit();
      return client;
    },

    list: (db) => db.oAuthClient.findMany({ orderBy: [{ createdAt: 'desc' }, { id: 'desc' }] }),

    async find(clientId) {
      if (!isUuid(clientId)) return null;
      const rows = await prisma.$queryRaw<Array<{ id: string; tenantId: string; role: string; secretHash: string; revokedAt: Date | null }>>`
        SELECT "id"::text AS "id", "tenantId"::text AS "tenantId", "role", "secretHash", "revokedAt"
        FROM platform_find_oauth_client(${clientId}::uuid)`;
      const row = rows[0];
      return row ? { id: row.id, tenantId: row.tenantId, role: row.role, secretHash: row.secretHash, revoked: row.revokedAt !== null } : null;
    },
  };
}
