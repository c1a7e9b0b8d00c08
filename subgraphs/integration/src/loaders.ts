/**
 * Request-scoped DataLoaders: one SQL query per entity type per tick, through the
 * tenant-scoped client, so rows of another tenant never load (they resolve to null).
 */
import DataLoader from 'dataloader';
import { unauthenticated } from '@crm/runtime';
import type { WebhookEndpointModel } from './__generated__/prisma/models.ts';
import type { TenantDb } from './context.ts';
import { isUuid } from './lib/validation.ts';

export interface Loaders {
  webhookEndpoint: DataLoader<string, WebhookEndpointModel | null>;
}

/** Loaders for one request. Without a tenant every load fails with UNAUTHENTICATED. */
export function createLoaders(db: TenantDb | null): Loaders {
  return {
    webhookEndpoint: new DataLoader<string, WebhookEndpointModel | null>(async (keys) => {
      if (!db) throw unauthenticated();
      const ids = [...new Set(keys.filter(isUuid))];
      const rows = ids.length ? await db.webhookEndpoint.findMany({ where: { id: { in: ids } } }) : [];
      const found = new Map(rows.map((row) => [row.id, row]));
      return keys.map((key) => found.get(key) ?? null);
    }),
  };
}
