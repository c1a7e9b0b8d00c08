/**
 * CSV export of any filtered list of contacts, accounts or leads, streamed page by page with no
 * row cap. Each page goes through the same list query as `contactsConnection` (and the account
 * and lead connections): the same filter and `orderBy` rules, the same keyset cursors, and the
 * caller's read scope, so an export holds exactly the rows the caller could page through. The
 * tenant's live custom fields are extra columns named `customFields.<key>`, which a contact
 * import maps back to the same fields.
 */
import { principalOf, readWhere } from '@crm/authz';
import { forTenant } from '@crm/db';
import { badInput, type Identity } from '@crm/runtime';
import type { PrismaClient } from '../../../__generated__/prisma/client.ts';
import type { OrderInput, RecordState } from '@crm/db/list-query';
import { liveDefinitions, type RecordKind } from '../../../lib/records.ts';
import type { CustomerServices } from '../../../services.ts';
import { csvLine } from '../../imports/lib/csv.ts';
import { fromMinorUnits, minorDigits } from '../../../lib/amounts.ts';

export const EXPORT_KINDS: Record<string, RecordKind> = { contacts: 'contact', accounts: 'account', leads: 'lead' };
/** Rows per list query (the list API's page limit). */
const PAGE_SIZE = 100;

type Cell = string | number | boolean | null | undefined;
const iso = (value: unknown) => (value instanceof Date ? value.toISOString() : (value as Cell));
const list = (value: unknown) => (Array.isArray(value) ? value.join(';') : (value as Cell));

/** Built-in columns per record type: header and how a row gives the cell. */
const COLUMNS: Record<RecordKind, [string, (row: Record<string, unknown>) => Cell][]> = {
  contact: [
    ['id', (r) => r['id'] as Cell],
    ['firstName', (r) => r['firstName'] as Cell],
    ['lastName', (r) => r['lastName'] as Cell],
    ['email', (r) => r['email'] as Cell],
    ['phone', (r) => r['phone'] as Cell],
    ['lifecycleStage', (r) => r['lifecycleStage'] as Cell],
    ['tags', (r) => list(r['tags'])],
    ['ownerId', (r) => r['ownerId'] as Cell],
    ['createdAt', (r) => iso(r['createdAt'])],
    ['updatedAt', (r) => iso(r['updatedAt'])],
  ],
  account: [
    ['id', (r) => r['id'] as Cell],
    ['name', (r) => r['name'] as Cell],
    ['domain', (r) => r['domain'] as Cell],
    ['industry', (r) => r['industry'] as Cell],
    ['employees', (r) => r['employees'] as Cell],
    ['revenueMinor', (r) => (r['revenueMinor'] === null || r['revenueMinor'] === undefined ? null : String(r['revenueMinor']))],
    ['revenueCurrency', (r) => r['revenueCurrency'] as Cell],
    ['parentId', (r) => r['parentId'] as Cell],
    ['ownerId', (r) => r['ownerId'] as Cell],
    ['createdAt', (r) => iso(r['createdAt'])],
    ['updatedAt', (r) => iso(r['updatedAt'])],
  ],
  lead: [
    ['id', (r) => r['id'] as Cell],
    ['name', (r) => r['name'] as Cell],
    ['email', (r) => r['email'] as Cell],
    ['company', (r) => r['company'] as Cell],
    ['source', (r) => r['source'] as Cell],
    ['status', (r) => r['status'] as Cell],
    ['score', (r) => r['score'] as Cell],
    ['ownerId', (r) => r['ownerId'] as Cell],
    ['createdAt', (r) => iso(r['createdAt'])],
  ],
};

/** A custom field value as one cell: lists joined with `;`, an amount as `1200.50 EUR` (what imports read). */
export function customCell(value: unknown): Cell {
  if (value === null || value === undefined) return null;
  if (Array.isArray(value)) return value.join(';');
  if (typeof value === 'object') {
    const { amountMinor, currency } = value as { amountMinor?: unknown; currency?: unknown };
    if (typeof amountMinor !== 'string' || typeof currency !== 'string') return JSON.stringify(value);
    const digits = minorDigits(currency);
    return digits === null ? `${amountMinor} ${currency}` : `${fromMinorUnits(amountMinor, digits)} ${currency}`;
  }
  return value as Cell;
}

export interface ExportRequest {
  kind: string;
  /** JSON of the list's filter input (`ContactFilter`, ...). */
  filter: string | null;
  /** JSON of the list's `orderBy` (a list of `{ field | customField, direction }`). */
  orderBy: string | null;
  state: string | null;
}

function json(raw: string | null, field: string): unknown {
  if (raw === null || raw === '') return undefined;
  try {
    return JSON.parse(raw) as unknown;
  } catch {
    throw badInput(`${field} is not valid JSON`, field);
  }
}

export interface PreparedExport {
  fileName: string;
  rows: AsyncGenerator<string>;
}

/**
 * Checks the request (BAD_USER_INPUT naming `kind`, `filter`, `orderBy` or `state`) by running its
 * first page, then streams the header and every page as CSV.
 */
export async function prepareExport(deps: { prisma: PrismaClient; services: CustomerServices }, identity: Identity & { tenantId: string }, request: ExportRequest): Promise<PreparedExport> {
  const kind = EXPORT_KINDS[request.kind];
  if (!kind) throw badInput('kind must be contacts, accounts or leads', 'kind');
  const filter = json(request.filter, 'filter');
  const orderBy = json(request.orderBy, 'orderBy');
  if (orderBy !== undefined && (!Array.isArray(orderBy) || orderBy.some((entry) => typeof entry !== 'object' || entry === null || Array.isArray(entry)))) {
    throw badInput('orderBy must be a JSON list of { field | customField, direction }', 'orderBy');
  }
  if (filter !== undefined && (typeof filter !== 'object' || filter === null || Array.isArray(filter))) throw badInput('filter must be a JSON object', 'filter');
  const state = request.state ?? 'ACTIVE';
  if (!['ACTIVE', 'DELETED', 'ALL'].includes(state)) throw badInput('state must be ACTIVE, DELETED or ALL', 'state');
  const db = forTenant(deps.prisma, identity.tenantId);
  const scope = readWhere(principalOf(identity), kind);
  const service = kind === 'contact' ? deps.services.contacts : kind === 'account' ? deps.services.accounts : deps.services.leads;
  const args = { filter, orderBy: orderBy as OrderInput[] | undefined, state: state as RecordState, scope, first: PAGE_SIZE };
  const firstPage = await service.page(db, args);
  const definitions = await liveDefinitions(db, kind);
  const columns = COLUMNS[kind];

  async function* rows(): AsyncGenerator<string> {
    yield csvLine([...columns.map(([name]) => name), ...definitions.map((def) => `customFields.${def.key}`)]);
    let page = firstPage;
    for (;;) {
      let chunk = '';
      for (const { node } of page.edges) {
        const row = node as unknown as Record<string, unknown>;
        const custom = (row['customFields'] ?? {}) as Record<string, unknown>;
        chunk += csvLine([...columns.map(([, cell]) => cell(row)), ...definitions.map((def) => customCell(custom[def.key]))]);
      }
      if (chunk) yield chunk;
      if (!page.pageInfo.hasNextPage || !page.pageInfo.endCursor) return;
      page = await service.page(db, { ...args, after: page.pageInfo.endCursor });
    }
  }
  return { fileName: `${request.kind}.csv`, rows: rows() };
}
