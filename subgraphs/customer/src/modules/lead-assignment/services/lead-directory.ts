/**
 * The tenant's users as lead assignment needs them (id, team, active), kept from the platform's
 * user events: `platform.user.created`, `.deactivated`, `.reactivated` and `.team_changed`.
 * Each event sets state (it does not add to it), so a redelivery changes nothing.
 */
import { withTenantTransaction } from '@crm/db';
import type { EventEnvelope } from '@crm/events';
import type { PrismaClient } from '../../../__generated__/prisma/client.ts';
import { isUuid } from '../../../lib/validation.ts';

const str = (value: unknown): string | null => (typeof value === 'string' && isUuid(value) ? value.toLowerCase() : null);

/** What an event says about one user, or null when it is not about the directory. */
export function directoryChange(event: EventEnvelope): { userId: string; teamId?: string | null; active?: boolean } | null {
  const payload = (event.payload ?? {}) as Record<string, unknown>;
  const userId = str(payload.userId);
  if (!userId) return null;
  const changed = (payload.changed ?? {}) as Record<string, { to?: unknown } | undefined>;
  switch (event.type) {
    case 'platform.user.created':
      return { userId, teamId: str(payload.teamId), active: true };
    case 'platform.user.deactivated':
      return { userId, active: false };
    case 'platform.user.reactivated':
      return { userId, active: true };
    case 'platform.user.team_changed':
      return { userId, teamId: str(changed.teamId?.to) };
    default:
      return null;
  }
}

/** Applies one platform event; false when it is not about the directory. */
export async function applyDirectoryEvent(prisma: PrismaClient, event: EventEnvelope): Promise<boolean> {
  const change = directoryChange(event);
  if (!change || !isUuid(event.tenantId)) return false;
  const { userId, ...fields } = change;
  await withTenantTransaction(prisma, event.tenantId, (tx) =>
    tx.leadAssignee.upsert({
      where: { tenantId_userId: { tenantId: event.tenantId, userId } },
      create: { tenantId: event.tenantId, userId, teamId: fields.teamId ?? null, active: fields.active ?? true },
      update: fields,
    }),
  );
  return true;
}
