/**
 * Routes the gateway asks before it applies a tenant's plan and CORS allowlist. Internal: the
 * request must carry a fresh identity header signed by the gateway, otherwise 401.
 *
 * - `POST /internal/tenants/edge-settings`, body `{ "tenantId": "…" }`: 200 with
 *   `{ "plan", "costBudgetPerMinute", "requestsPerMinute", "corsOrigins" }`, or `{ "found": false }` for an unknown tenant.
 * - `POST /internal/tenants/origin-allowed`, body `{ "origin": "https://…" }`: 200 with
 *   `{ "allowed": boolean }`, whether any tenant lists the origin (preflights carry no credentials,
 *   so the gateway cannot know the tenant yet; the request itself is held to its own tenant's list).
 */
import { createInternalRoute, isUuid } from '@crm/runtime';
import type { TenantService } from '../services/tenants.ts';

export const EDGE_SETTINGS_PATH = '/internal/tenants/edge-settings';
export const ORIGIN_ALLOWED_PATH = '/internal/tenants/origin-allowed';

export function createEdgeSettingsRoutes(tenants: TenantService, signingSecret: string) {
  const settings = createInternalRoute<{ tenantId: string }>({
    path: EDGE_SETTINGS_PATH,
    signingSecret,
    usage: 'Body must be JSON {"tenantId": "<uuid>"}',
    parse: (body) => {
      const tenantId = typeof body === 'object' && body !== null ? (body as Record<string, unknown>)['tenantId'] : undefined;
      return typeof tenantId === 'string' && isUuid(tenantId) ? { tenantId: tenantId.toLowerCase() } : null;
    },
    handle: async ({ tenantId }) => (await tenants.edgeSettings(tenantId)) ?? { found: false },
  });
  const originAllowed = createInternalRoute<{ origin: string }>({
    path: ORIGIN_ALLOWED_PATH,
    signingSecret,
    usage: 'Body must be JSON {"origin": "<scheme://host[:port]>"}',
    parse: (body) => {
      const origin = typeof body === 'object' && body !== null ? (body as Record<string, unknown>)['origin'] : undefined;
      return typeof origin === 'string' && origin.length > 0 && origin.length <= 255 ? { origin } : null;
    },
    handle: async ({ origin }) => ({ allowed: await tenants.originAllowedByAnyTenant(origin) }),
  });
  return async (req: Parameters<typeof settings>[0], res: Parameters<typeof settings>[1]): Promise<boolean> =>
    (await settings(req, res)) || originAllowed(req, res);
}
