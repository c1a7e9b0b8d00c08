/**
 * The tenant's field-level masking setting (`maskDealAmountsOutsideTeam`), applied by the sales
 * subgraph. The setting travels to subgraphs with the team facts the gateway asks for and signs
 * into every identity (`POST /internal/users/team-facts`), so applying it costs no request of its
 * own; a change reaches every request within the team facts' cache lifetime (a minute).
 */
import { withTenantTransaction } from '@crm/db';
import { appendOutbox, createEvent } from '@crm/events';
import { notFound } from '@crm/runtime';
import type { PrismaClient } from '../../../__generated__/prisma/client.ts';
import type { TenantModel } from '../../../__generated__/prisma/models.ts';
import { SYSTEM_ACTOR, type Actor } from '../../../lib/events.ts';

/** Emitted when a tenant admin turns masking on or off (audit log, webhooks). */
export const DEAL_MASKING_CHANGED = 'platform.tenant.deal_masking_changed';

export interface DealMaskingChangedPayload extends Record<string, unknown> {
  tenantId: string;
  maskDealAmountsOutsideTeam: { from: boolean; to: boolean };
}

export interface DataMaskingDeps {
  prisma: PrismaClient;
  /** Called after a transaction that wrote outbox events commits. */
  afterCommit?: () => void;
}

/** Sets the tenant's masking; a change emits `platform.tenant.deal_masking_changed`, the same value changes nothing. */
export async function setDealMasking(deps: DataMaskingDeps, tenantId: string, enabled: boolean, actor: Actor = SYSTEM_ACTOR): Promise<TenantModel> {
  let changed = false;
  const tenant = await withTenantTransaction(deps.prisma, tenantId, async (tx) => {
    const before = await tx.tenant.findUnique({ where: { id: tenantId }, select: { maskDealAmountsOutsideTeam: true } });
    if (!before) throw notFound('Tenant', tenantId);
    if (before.maskDealAmountsOutsideTeam === enabled) return tx.tenant.findUniqueOrThrow({ where: { id: tenantId } });
    const updated = await tx.tenant.update({ where: { id: tenantId }, data: { maskDealAmountsOutsideTeam: enabled } });
    await appendOutbox(
      tx,
      createEvent<DealMaskingChangedPayload>({
        type: DEAL_MASKING_CHANGED,
        tenantId,
        actor,
        aggregateId: tenantId,
        payload: { tenantId, maskDealAmountsOutsideTeam: { from: before.maskDealAmountsOutsideTeam, to: enabled } },
      }),
    );
    changed = true;
    return updated;
  });
  if (changed) deps.afterCommit?.();
  return tenant;
}

/** Whether the tenant masks deal amounts outside teams (false for an unknown tenant). */
export async function dealMaskingOf(prisma: PrismaClient, tenantId: string): Promise<boolean> {
  const tenant = await withTenantTransaction(prisma, tenantId, (tx) => tx.tenant.findUnique({ where: { id: tenantId }, select: { maskDealAmountsOutsideTeam: true } }));
  return tenant?.maskDealAmountsOutsideTeam === true;
}
