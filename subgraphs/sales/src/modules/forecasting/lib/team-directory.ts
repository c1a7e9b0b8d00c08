/**
 * The teams of a tenant and who is in them, for forecasts grouped by team across the tenant.
 *
 * The platform subgraph owns teams; sales asks it over `POST /internal/teams/members` (next to the
 * platform's `/graphql`), signed with the shared secret like every gateway request to a subgraph.
 * Teams change rarely, so an answer is remembered per tenant in this process for `ttlMs` (default
 * 60 s, the lifetime of the team facts the gateway signs): a change of teams reaches team
 * forecasts within a minute. When the platform cannot answer and nothing is remembered, the lookup
 * throws (the forecast fails rather than showing made-up groups).
 */
import { callInternalRoute } from '@crm/runtime';

/** Path of the platform's route (served next to its `/graphql`). */
export const TEAM_MEMBERS_PATH = '/internal/teams/members';

export interface TeamMembers {
  teamId: string;
  name: string;
  /** The team's active members and its manager. */
  memberIds: string[];
}

/**
 * Every team of a tenant, by name. Throws when the source cannot answer. `fresh`: not from what was
 * remembered (e.g. to tell whether a team just created exists).
 */
export type TeamDirectory = (tenantId: string, options?: { fresh?: boolean }) => Promise<TeamMembers[]>;

/** Teams in an answer of the platform, or undefined when malformed. */
export function parseTeamMembers(body: unknown): TeamMembers[] | undefined {
  if (typeof body !== 'object' || body === null) return undefined;
  const teams = (body as Record<string, unknown>)['teams'];
  if (!Array.isArray(teams)) return undefined;
  const out: TeamMembers[] = [];
  for (const team of teams as unknown[]) {
    if (typeof team !== 'object' || team === null) return undefined;
    const { teamId, name, memberIds } = team as Record<string, unknown>;
    if (typeof teamId !== 'string' || typeof name !== 'string') return undefined;
    if (!Array.isArray(memberIds) || !memberIds.every((id): id is string => typeof id === 'string')) return undefined;
    out.push({ teamId, name, memberIds });
  }
  return out;
}

/** The route next to a subgraph's GraphQL url (`…/graphql` → `…/internal/teams/members`). */
export const teamMembersUrl = (platformGraphqlUrl: string): string => new URL(TEAM_MEMBERS_PATH, platformGraphqlUrl).toString();

export interface PlatformTeamDirectoryOptions {
  /** The platform's GraphQL url (or a function giving it, when it is known only once the platform listens). */
  platformUrl: string | (() => string);
  /** HMAC secret shared with the gateway and the subgraphs. */
  signingSecret: string;
  /** Timeout of one lookup, ms. Default 3 000. */
  timeoutMs?: number;
  /** How long a tenant's teams are remembered, ms. Default 60 000. */
  ttlMs?: number;
  /** Tenants remembered at most (oldest dropped). Default 1 000. */
  maxTenants?: number;
  /** The current time, ms. Default `Date.now`. */
  clock?: () => number;
}

/** Asks the platform, remembering each tenant's answer for `ttlMs`; concurrent asks for a tenant share one call. */
export function platformTeamDirectory(options: PlatformTeamDirectoryOptions): TeamDirectory {
  const ttl = options.ttlMs ?? 60_000;
  const max = options.maxTenants ?? 1_000;
  const clock = options.clock ?? Date.now;
  const remembered = new Map<string, { teams: TeamMembers[]; until: number }>();
  const inFlight = new Map<string, Promise<TeamMembers[]>>();

  async function ask(tenantId: string): Promise<TeamMembers[]> {
    const platformUrl = typeof options.platformUrl === 'function' ? options.platformUrl() : options.platformUrl;
    const answer = await callInternalRoute(teamMembersUrl(platformUrl), options.signingSecret, { tenantId }, { requester: 'sales-team-directory', timeoutMs: options.timeoutMs });
    const teams = parseTeamMembers(answer);
    if (!teams) throw new Error('the platform answered a team members lookup with something unexpected');
    remembered.delete(tenantId);
    if (remembered.size >= max) remembered.delete(remembered.keys().next().value!);
    remembered.set(tenantId, { teams, until: clock() + ttl });
    return teams;
  }

  return async (tenantId, lookup) => {
    const known = remembered.get(tenantId);
    if (known && known.until > clock() && lookup?.fresh !== true) return known.teams;
    let pending = inFlight.get(tenantId);
    if (!pending) {
      pending = ask(tenantId).finally(() => inFlight.delete(tenantId));
      inFlight.set(tenantId, pending);
    }
    return pending;
  };
}
