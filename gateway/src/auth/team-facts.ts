/**
 * Team facts of signed-in users: which team a user works in and who else is in it, so subgraphs
 * can apply the `team` scope of the permission table (a Sales Manager sees the team's records).
 *
 * The gateway asks the platform subgraph over `POST /internal/users/team-facts`, signed with the
 * same HMAC identity header every subgraph request carries, and puts the answer into the identity
 * it forwards (`teamId`, `teamMemberIds`). Answers are cached per user in the shared cache (Redis
 * in production) for `ttlSeconds` (default 60): a change of teams reaches the subgraphs within a
 * minute. When the platform cannot answer and nothing is cached, the caller is treated as
 * teamless (own records only) rather than refused, and a warning is logged.
 *
 * API keys have no user and therefore no team facts: their role's `own` and `team` scopes reach
 * no record (only a tenant-scoped role sees records through a key).
 */
import { callInternalRoute, globalKey, type Cache, type Identity, type Logger } from '@crm/runtime';

/** Path of the platform's team facts route (served next to its `/graphql`). */
export const TEAM_FACTS_PATH = '/internal/users/team-facts';

export interface TeamFacts {
  teamId: string | null;
  teamMemberIds: string[];
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

/** Team facts in an answer of the platform, or undefined when malformed. */
export function parseTeamFacts(body: unknown): TeamFacts | undefined {
  if (typeof body !== 'object' || body === null) return undefined;
  const { teamId, teamMemberIds } = body as Record<string, unknown>;
  if (teamId !== null && typeof teamId !== 'string') return undefined;
  if (!Array.isArray(teamMemberIds) || !teamMemberIds.every((id): id is string => typeof id === 'string')) return undefined;
  return { teamId, teamMemberIds };
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
}

export interface TeamFactsResolver {
  /** The team facts of one user (from the cache, else the platform; teamless when neither answers). */
  factsOf(tenantId: string, userId: string): Promise<TeamFacts>;
  /** `identity` with the team facts of its user; API keys and anonymous identities are returned as they are. */
  enrich(identity: Identity): Promise<Identity>;
}

const NO_TEAM: TeamFacts = { teamId: null, teamMemberIds: [] };

export function teamFactsCacheKey(tenantId: string, userId: string): string {
  return globalKey('team-facts', `${tenantId}:${userId}`);
}

export function createTeamFactsResolver(options: TeamFactsOptions): TeamFactsResolver {
  const ttl = options.ttlSeconds ?? 60;
  const inFlight = new Map<string, Promise<TeamFacts>>();

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
    try {
      const facts = await options.lookup(tenantId, userId);
      await options.cache.set(key, JSON.stringify(facts), ttl).catch((error: unknown) => options.logger.warn({ err: error }, 'team facts cache write failed'));
      return facts;
    } catch (error) {
      options.logger.warn({ err: error, tenantId, userId }, 'team facts unavailable; treating the caller as teamless');
      return NO_TEAM;
    }
  }

  async function factsOf(tenantId: string, userId: string): Promise<TeamFacts> {
    const key = teamFactsCacheKey(tenantId, userId);
    const known = await cached(key);
    if (known) return known;
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
      return { ...identity, teamId: facts.teamId, teamMemberIds: facts.teamMemberIds };
    },
  };
}
