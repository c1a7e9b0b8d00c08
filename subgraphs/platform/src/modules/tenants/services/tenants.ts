/** Provisioning of tenants. */
import { randomUUID } from 'node:crypto';
import { z } from 'zod';
import { forTenant, withTenantTransaction } from '@crm/db';
import { appendOutbox, createEvent } from '@crm/events';
import { conflict, notFound } from '@crm/runtime';
import type { PrismaClient } from '../../../__generated__/prisma/client.ts';
import type { TenantModel } from '../../../__generated__/prisma/models.ts';
import { parseInput } from '../../../lib/arguments.ts';
import { parseCorsOrigins } from '../lib/cors-origins.ts';
import { limitsOf } from '../lib/plans.ts';
import { SYSTEM_ACTOR, type Actor } from '../../../lib/events.ts';
import { isUniqueViolation } from '../../../lib/prisma-errors.ts';

/** Lowercase letters, digits and inner hyphens; 2 to 63 characters (fits a DNS label). */
export const TENANT_SLUG = /^[a-z0-9][a-z0-9-]{0,61}[a-z0-9]$/;

const createTenantInput = z.object({
  name: z.string().trim().min(1).max(200),
  slug: z.string().trim().toLowerCase().regex(TENANT_SLUG, 'use 2-63 lowercase letters, digits or hyphens'),
  plan: z.string().trim().min(1).max(50).default('free'),
});
export type CreateTenantInput = z.input<typeof createTenantInput>;

export interface TenantCreatedPayload extends Record<string, unknown> {
  tenantId: string;
  name: string;
  slug: string;
  plan: string;
}

export interface TenantCorsOriginsChangedPayload extends Record<string, unknown> {
  tenantId: string;
  corsOrigins: string[];
  previous: string[];
}

/** What the gateway applies to a tenant's requests at the edge. */
export interface TenantEdgeSettings {
  plan: string;
  /** From the plan (`lib/plans.ts`). */
  costBudgetPerMinute: number;
  /** From the plan (`lib/plans.ts`). */
  requestsPerMinute: number;
  corsOrigins: string[];
}

export interface TenantService {
  /** Creates a tenant and emits `platform.tenant.created`. A taken slug is a CONFLICT. */
  create(input: CreateTenantInput, actor?: Actor): Promise<TenantModel>;
  /** The tenant with this slug, or null (provisioning and seeding; slugs are public). */
  findBySlug(slug: string): Promise<TenantModel | null>;
  /**
   * Replaces the tenant's CORS allowlist (validated and normalised, see `lib/cors-origins.ts`)
   * and emits `platform.tenant.cors_origins_changed`. BAD_USER_INPUT names the first bad entry.
   */
  setCorsOrigins(tenantId: string, origins: readonly string[], actor?: Actor): Promise<TenantModel>;
  /** Plan limits and CORS allowlist of a tenant, or null when it does not exist. */
  edgeSettings(tenantId: string): Promise<TenantEdgeSettings | null>;
  /** Whether any tenant lists this origin (answers preflights, which carry no credentials). */
  originAllowedByAnyTenant(origin: string): Promise<boolean>;
}

export interface TenantServiceDeps {
  prisma: PrismaClient;
  afterCommit: () => void;
}

export function createTenantService({ prisma, afterCommit }: TenantServiceDeps): TenantService {
  return {
    async create(input, actor = SYSTEM_ACTOR) {
      const data = parseInput(createTenantInput, input);
      const id = randomUUID();
      // The new tenant's own id is the tenant of this transaction, which the Tenant row policy requires.
      const tenant = await withTenantTransaction(prisma, id, async (tx) => {
        const created = await tx.tenant.create({ data: { id, ...data } });
        await appendOutbox(
          tx,
          createEvent<TenantCreatedPayload>({
            type: 'platform.tenant.created',
            tenantId: id,
            actor,
            aggregateId: id,
            payload: { tenantId: id, name: created.name, slug: created.slug, plan: created.plan },
          }),
        );
        return created;
      }).catch((error: unknown) => {
        if (isUniqueViolation(error)) throw conflict(`Tenant slug "${data.slug}" is already taken`, { field: 'slug' });
        throw error;
      });
      afterCommit();
      return tenant;
    },

    async findBySlug(slug) {
      const [row] = await prisma.$queryRaw<Array<{ id: string | null }>>`SELECT platform_tenant_id_by_slug(${slug}::text)::text AS id`;
      if (!row?.id) return null;
      return forTenant(prisma, row.id).tenant.findUnique({ where: { id: row.id } });
    },

    async setCorsOrigins(tenantId, origins, actor = SYSTEM_ACTOR) {
      const corsOrigins = parseCorsOrigins(origins);
      const tenant = await withTenantTransaction(prisma, tenantId, async (tx) => {
        const before = await tx.tenant.findUnique({ where: { id: tenantId }, select: { corsOrigins: true } });
        if (!before) throw notFound('Tenant', tenantId);
        const updated = await tx.tenant.update({ where: { id: tenantId }, data: { corsOrigins } });
        await appendOutbox(
          tx,
          createEvent<TenantCorsOriginsChangedPayload>({
            type: 'platform.tenant.cors_origins_changed',
            tenantId,
            actor,
            aggregateId: tenantId,
            payload: { tenantId, corsOrigins, previous: before.corsOrigins },
          }),
        );
        return updated;
      });
      afterCommit();
      return tenant;
    },

    async edgeSettings(tenantId) {
      const tenant = await forTenant(prisma, tenantId).tenant.findUnique({ where: { id: tenantId }, select: { plan: true, corsOrigins: true } });
      if (!tenant) return null;
      const { costBudgetPerMinute, requestsPerMinute } = limitsOf(tenant.plan);
      return { plan: tenant.plan, costBudgetPerMinute, requestsPerMinute, corsOrigins: tenant.corsOrigins };
    },

    async originAllowedByAnyTenant(origin) {
      const [row] = await prisma.$queryRaw<Array<{ allowed: boolean }>>`SELECT platform_origin_allowed(${origin}::text) AS allowed`;
      return row?.allowed === true;
    },
  };
}
