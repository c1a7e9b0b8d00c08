/** Provisioning of tenants. */
import { randomUUID } from 'node:crypto';
import { z } from 'zod';
import { forTenant, withTenantTransaction } from '@crm/db';
import { appendOutbox, createEvent } from '@crm/events';
import { conflict } from '@crm/runtime';
import type { PrismaClient } from '../../../__generated__/prisma/client.ts';
import type { TenantModel } from '../../../__generated__/prisma/models.ts';
import { parseInput } from '../../../lib/arguments.ts';
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

export interface TenantService {
  /** Creates a tenant and emits `platform.tenant.created`. A taken slug is a CONFLICT. */
  create(input: CreateTenantInput, actor?: Actor): Promise<TenantModel>;
  /** The tenant with this slug, or null (provisioning and seeding; slugs are public). */
  findBySlug(slug: string): Promise<TenantModel | null>;
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
  };
}
