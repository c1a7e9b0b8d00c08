/**
 * Team facts of signed-in users: which team a user works in and who else is in it, so subgraphs
 * can apply the `team` scope of the permission table (a Sales Manager sees the team's records).
 *
 * The gateway asks the platform subgraph over `POST /internal/users/team-facts`, signed with the
 * same HMAC identity header every subgraph request carries, and puts the answer into the identity
 * it forwards (`teamId`, `teamMemberIds`), with the merged grants of the tenant's custom roles the
 * user holds (`customGrants`). Answers are cached per user in the shared cache (Redis in
 * production) for `ttlSeconds` (default 60): a change of teams reaches the subgraphs within a
 * minute. A change of custom roles applies sooner: the platform's `platform.role.updated` and
 * `platform.user.roles_changed` events name the users concerned, and every gateway instance drops
 * their cached facts when it reads them (`staleFactsOf` + `forget`), normally within a second of the
 * change; the TTL bounds it when events are late. Each instance also keeps what it read for
 * `memoryMs` (default 1 s), so a busy caller costs no cache round trip per request; `forget` drops
 * that memory too. When the platform cannot answer and nothing is
 * cached, the caller is treated as teamless (own records only) and without custom grants rather
 * than refused, and a warning is logged.
 *
 * API keys have no user and therefore no team facts: their role's `own` and `team` scopes reach
 * no record (only a tenant-scoped role sees records through a key).
 */
import type { EventEnvelope } from '@crm/events';
import { callInternalRoute, globalKey, type Cache, type Identity, type Logger } from '@crm/runtime';

/** Path of the platform's team facts route (served next to its `/graphql`). */
export const TEAM_FACTS_PATH = '/internal/users/team-facts';

export interface TeamFacts {
  teamId: string | null;
  teamMemberIds: string[];
  /** Merged grants of the user's custom roles (`resource:action` → scope); `{}` for none. */
  customGrants: Record<string, string>;
  /** The tenant masks deal amounts outside teams (present only when true; see `Identity.maskDealAmountsOutsideTeam`). */
  maskDealAmountsOutsideTeam?: boolean;
}

/** Asks the source of truth about one user. Throws when it cannot answer. */
export type TeamFactsLookup = (tenantId: string, userId: string) => Promise<TeamFacts>;

export interface PlatformTeamFactsOptions {
  /** The platform's route, e.g. `http://platform:4001/internal/users/team-facts`. */
  url: string;
  /** HMAC secret shared with the subgraphs. */
  signingSecret: string;
  /** Timeout of one lookup, ms. Default 3 000. */
  timeoutMs?: number;
}

/** The team facts route next to a subgraph's GraphQL url. */
export function teamFactsUrl(platformGraphqlUrl: string): string {
  return new URL(TEAM_FACTS_PATH, platformGraphqlUrl).toString();
}

/** Team facts in an answer of the platform, or undefined when malformed (no `customGrants`: none). */
export function parseTeamFacts(body: unknown): TeamFacts | undefined {
  if (typeof body !== 'object' || body === null) return undefined;
  const { teamId, teamMemberIds, customGrants = {} } = body as Record<string, unknown>;
  if (teamId !== null && typeof teamId !== 'string') return undefined;
  if (!Array.isArray(teamMemberIds) || !teamMemberIds.every((id): id is string => typeof id === 'string')) return undefined;
  if (typeof customGrants !== 'object' || customGrants === null || Array.isArray(customGrants)) return undefined;
  if (!Object.values(customGrants).every((scope) => typeof scope === 'string')) return undefined;
  const masking = (body as Record<string, unknown>)['maskDealAmountsOutsideTeam'] === true ? { maskDealAmountsOutsideTeam: true } : {};
  return { teamId, teamMemberIds, customGrants: customGrants as Record<string, string>, ...masking };
}

/** Event types after which some users' cached facts are stale. */
export const ROLE_UPDATED = 'platform.role.updated';
export const USER_ROLES_CHANGED = 'platform.user.roles_changed';

/** The users whose cached facts an event makes stale (a custom role's holders, a user whose roles changed), or null. */
export function staleFactsOf(event: Pick<EventEnvelope, 'type' | 'tenantId' | 'payload'>): { tenantId: string; userIds: string[] } | null {
  const payload = event.payload as Record<string, unknown> | null;
  if (!payload || typeof event.tenantId !== 'string') return null;
  if (event.type === ROLE_UPDATED && Array.isArray(payload['userIds'])) {
    return { tenantId: event.tenantId, userIds: payload['userIds'].filter((id): id is string => typeof id === 'string') };
  }
  if (event.type === USER_ROLES_CHANGED && typeof payload['userId'] === 'string') return { tenantId: event.tenantId, userIds: [payload['userId']] };
  return null;
}

/** Looks team facts up on the platform subgraph, signed like every gateway request to a subgraph. */
export function platformTeamFactsLookup(options: PlatformTeamFactsOptions): TeamFactsLookup {
  return async (tenantId, userId) => {
    const answer = await callInternalRoute(options.url, options.signingSecret, { tenantId, userId }, { requester: 'gateway-team-facts', timeoutMs: options.timeoutMs });
    const facts = parseTeamFacts(answer);
    if (!facts) throw new Error('the platform answered a team facts lookup with something unexpected');
    return facts;
  };
}

export interface TeamFactsOptions {
  lookup: TeamFactsLookup;
  cache: Cache;
  logger: Logger;
  /** How long a user's team facts are remembered, seconds. Default 60. */
  ttlSeconds?: number;
  /** How long this instance reuses facts it read, ms. Default 1 000; 0 reads the shared cache every time. */
  memoryMs?: number;
  /** Clock, ms. Default `Date.now`. */
  now?: () => number;
}

export interface TeamFactsResolver {
  /** The team facts of one user (from the cache, else the platform; teamless when neither answers). */
  factsOf(tenantId: string, userId: string): Promise<TeamFacts>;
  /** `identity` with the team facts of its user; API keys and anonymous identities are returned as they are. */
  enrich(identity: Identity): Promise<Identity>;
  /** Drops the cached facts of these users (the next request asks the platform again). */
  forget(tenantId: string, userIds: readonly string[]): Promise<void>;
}

const NO_TEAM: TeamFacts = { teamId: null, teamMemberIds: [], customGrants: {} };

export function teamFactsCacheKey(tenantId: string, userId: string): string {
  return globalKey('team-facts', `${tenantId}:${userId}`);
}

export function createTeamFactsResolver(options: TeamFactsOptions): TeamFactsResolver {
  const ttl = options.ttlSeconds ?? 60;
  const inFlight = new Map<string, Promise<TeamFacts>>();
  // Bumped by `forget`: an answer asked for before the bump is not cached (it may predate the change).
  const generations = new Map<string, number>();
  const memoryMs = options.memoryMs ?? 1_000;
  const now = options.now ?? Date.now;
  /** Facts this instance read lately, until `until`; dropped by `forget`. */
  const memory = new Map<string, { facts: TeamFacts; until: number }>();
  const remember = (key: string, generation: number, facts: TeamFacts) => {
    if (memoryMs <= 0 || (generations.get(key) ?? 0) !== generation) return;
    if (memory.size >= 10_000) memory.clear();
    memory.set(key, { facts, until: now() + memoryMs });
  };

  async function cached(key: string): Promise<TeamFacts | undefined> {
    const value = await options.cache.get(key).catch(() => null);
    if (value === null) return undefined;
    try {
      return parseTeamFacts(JSON.parse(value));
    } catch {
      return undefined;
    }
  }

  async function lookUp(tenantId: string, userId: string, key: string): Promise<TeamFacts> {
    const generation = generations.get(key) ?? 0;
    try {
      const facts = await options.lookup(tenantId, userId);
      if ((generations.get(key) ?? 0) !== generation) return facts;
      await options.cache.set(key, JSON.stringify(facts), ttl).catch((error: unknown) => options.logger.warn({ err: error }, 'team facts cache write failed'));
      return facts;
    } catch (error) {
      options.logger.warn({ err: error, tenantId, userId }, 'team facts unavailable; treating the caller as teamless');
      return NO_TEAM;
    }
  }

  async function factsOf(tenantId: string, userId: string): Promise<TeamFacts> {
    const key = teamFactsCacheKey(tenantId, userId);
    const remembered = memory.get(key);
    if (remembered && remembered.until > now()) return remembered.facts;
    const generation = generations.get(key) ?? 0;
    const known = await cached(key);
    if (known) {
      remember(key, generation, known);
      return known;
    }
    let pending = inFlight.get(key);
    if (!pending) {
      pending = lookUp(tenantId, userId, key).finally(() => inFlight.delete(key));
      inFlight.set(key, pending);
    }
    return pending;
  }

  return {
    factsOf,
    async enrich(identity) {
      if (!identity.tenantId || !identity.userId || identity.actorKind === 'apikey') return identity;
      const facts = await factsOf(identity.tenantId, identity.userId);
      return {
        ...identity,
        teamId: facts.teamId,
        teamMemberIds: facts.teamMemberIds,
        customGrants: facts.customGrants,
        ...(facts.maskDealAmountsOutsideTeam ? { maskDealAmountsOutsideTeam: true } : {}),
      };
    },
    async forget(tenantId, userIds) {
      await Promise.all(
        userIds.map(async (userId) => {
          const key = teamFactsCacheKey(tenantId, userId);
          generations.set(key, (generations.get(key) ?? 0) + 1);
          inFlight.delete(key);
          memory.delete(key);
          await options.cache.delete(key).catch((error: unknown) => options.logger.warn({ err: error, tenantId, userId }, 'team facts cache delete failed'));
        }),
      );
      if (generations.size > 10_000) generations.clear();
    },
  };
}
