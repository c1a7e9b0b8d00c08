/**
 * The people on a deal besides its owner: collaborators (users of the platform subgraph) and
 * linked contacts (contacts of the customer subgraph, with a role, at most one primary). Both are
 * referenced by id only: sales never reads another subgraph's tables, the gateway resolves them.
 *
 * A change is a change of the deal: it runs under the pipeline lock and the caller's optional
 * expected version, bumps the deal's version, journals a DEAL_UPDATED board change and queues
 * `sales.deal.updated` with `changed.collaborator` / `changed.contact`. A change that changes
 * nothing (adding a collaborator twice, removing one who is not there) writes nothing.
 */
import { badInput } from '@crm/runtime';
import { z } from 'zod';
import type { PrismaClient } from '../../../__generated__/prisma/client.ts';
import type { DealModel } from '../../../__generated__/prisma/models.ts';
import type { Actor } from '../../../context.ts';
import { id, parseInput, text } from '../../common/lib/input.ts';
import { dealUpdated, type DealChanges } from '../../deals/lib/deal-events.ts';
import { actorId, commitDealChange, lockDealForChange, writeWithEvents, type DealGuard, type Tx } from '../../deals/services/deal-changes.ts';

/** Most collaborators, and most contacts, a deal can have. */
export const MAX_DEAL_PEOPLE = 100;

export interface DealContactInput {
  contactId: string;
  role?: string | null;
  isPrimary?: boolean | null;
}

const versionSchema = z
  .number({ error: 'must be a whole number' })
  .int({ error: 'must be a whole number' })
  .min(1, { error: 'must be at least 1' })
  .nullish();
const contactSchema = z.object({ contactId: id(), role: text(100).nullish(), isPrimary: z.boolean().nullish() });

export interface DealPeopleServiceDeps {
  prisma: PrismaClient;
  eventsCommitted: () => void;
}

export interface DealPeopleService {
  addCollaborator(tenantId: string, actor: Actor, dealId: string, userId: string, expectedVersion?: number | null, guard?: DealGuard): Promise<DealModel>;
  removeCollaborator(tenantId: string, actor: Actor, dealId: string, userId: string, expectedVersion?: number | null, guard?: DealGuard): Promise<DealModel>;
  /** Links a contact, or changes the role and primary flag of a linked one. */
  addContact(tenantId: string, actor: Actor, dealId: string, input: DealContactInput, expectedVersion?: number | null, guard?: DealGuard): Promise<DealModel>;
  removeContact(tenantId: string, actor: Actor, dealId: string, contactId: string, expectedVersion?: number | null, guard?: DealGuard): Promise<DealModel>;
}

export function createDealPeopleService(deps: DealPeopleServiceDeps): DealPeopleService {
  /**
   * Locks the deal and runs `apply`; when it reports a change, commits the deal change with
   * `changed` as the event's description.
   */
  function change(
    tenantId: string,
    actor: Actor,
    dealId: string,
    expectedVersion: number | null | undefined,
    guard: DealGuard | undefined,
    apply: (tx: Tx, deal: DealModel) => Promise<DealChanges | null>,
  ): Promise<DealModel> {
    const version = parseInput(versionSchema, expectedVersion, 'expectedVersion');
    return writeWithEvents(deps.prisma, tenantId, deps.eventsCommitted, async (tx, events) => {
      const current = await lockDealForChange(tx, tenantId, dealId, { version }, guard);
      const changed = await apply(tx, current);
      if (changed === null) return current;
      return commitDealChange(tx, tenantId, actor, current, { data: {}, board: 'DEAL_UPDATED', event: (deal) => dealUpdated(tenantId, actor, changed, deal) }, events);
    });
  }

  return {
    addCollaborator(tenantId, actor, dealId, userId, expectedVersion, guard) {
      const user = parseInput(id(), userId, 'userId');
      return change(tenantId, actor, dealId, expectedVersion, guard, async (tx, deal) => {
        const existing = await tx.dealCollaborator.findMany({ where: { tenantId, dealId: deal.id }, select: { userId: true } });
        if (existing.some((row) => row.userId === user)) return null;
        if (existing.length >= MAX_DEAL_PEOPLE) throw badInput(`userId: a deal has at most ${MAX_DEAL_PEOPLE} collaborators`, 'userId');
        await tx.dealCollaborator.create({ data: { tenantId, dealId: deal.id, userId: user, addedById: actorId(actor) } });
        return { collaborator: { from: null, to: user } };
      });
    },

    removeCollaborator(tenantId, actor, dealId, userId, expectedVersion, guard) {
      const user = parseInput(id(), userId, 'userId');
      return change(tenantId, actor, dealId, expectedVersion, guard, async (tx, deal) => {
        const { count } = await tx.dealCollaborator.deleteMany({ where: { tenantId, dealId: deal.id, userId: user } });
        return count === 0 ? null : { collaborator: { from: user, to: null } };
      });
    },

    addContact(tenantId, actor, dealId, input, expectedVersion, guard) {
      const valid = parseInput(contactSchema, input);
      const role = valid.role ?? null;
      const isPrimary = valid.isPrimary ?? false;
      return change(tenantId, actor, dealId, expectedVersion, guard, async (tx, deal) => {
        const linked = await tx.dealContact.findMany({ where: { tenantId, dealId: deal.id } });
        const existing = linked.find((row) => row.contactId === valid.contactId);
        if (existing && existing.role === role && existing.isPrimary === isPrimary) return null;
        if (!existing && linked.length >= MAX_DEAL_PEOPLE) throw badInput(`contactId: a deal has at most ${MAX_DEAL_PEOPLE} contacts`, 'contactId');
        // One primary per deal: the others step back first (all writers of the deal hold its pipeline lock).
        if (isPrimary) await tx.dealContact.updateMany({ where: { tenantId, dealId: deal.id, isPrimary: true, contactId: { not: valid.contactId } }, data: { isPrimary: false } });
        if (existing) {
          await tx.dealContact.update({ where: { dealId_contactId: { dealId: deal.id, contactId: valid.contactId } }, data: { role, isPrimary } });
        } else {
          await tx.dealContact.create({ data: { tenantId, dealId: deal.id, contactId: valid.contactId, role, isPrimary } });
        }
        return { contact: { from: existing ? valid.contactId : null, to: valid.contactId } };
      });
    },

    removeContact(tenantId, actor, dealId, contactId, expectedVersion, guard) {
      const contact = parseInput(id(), contactId, 'contactId');
      return change(tenantId, actor, dealId, expectedVersion, guard, async (tx, deal) => {
        const { count } = await tx.dealContact.deleteMany({ where: { tenantId, dealId: deal.id, contactId: contact } });
        return count === 0 ? null : { contact: { from: contact, to: null } };
      });
    },
  };
}
