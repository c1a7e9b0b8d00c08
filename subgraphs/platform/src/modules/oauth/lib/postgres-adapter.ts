/**
 * oidc-provider's storage adapter on PostgreSQL: one generic table (`OidcPayload`) keyed by
 * `(kind, id)`, where `kind` is the provider's model name (Session, Interaction, Grant,
 * AuthorizationCode, RefreshToken, …), with the secondary lookups the interface needs
 * (`grantId` to revoke a grant's tokens, `uid` for sessions, `userCode` for device codes) and
 * an expiry. Expired rows are never returned and are pruned in the background.
 *
 * Partner clients (`kind` Client) are not stored here: they live in `OAuthClient` (tenant-owned)
 * and are turned into client metadata by `findClient`.
 */
import type { Adapter, AdapterPayload } from 'oidc-provider';
import type { Prisma, PrismaClient } from '../../../__generated__/prisma/client.ts';

/** Rows past their expiry are deleted at most once per this many writes. */
const PRUNE_EVERY = 1_000;

/** Models whose rows belong to a grant (revoked together when a refresh token is reused). */
const GRANTABLE = new Set(['AccessToken', 'AuthorizationCode', 'RefreshToken', 'DeviceCode', 'BackchannelAuthenticationRequest', 'ClientCredentials', 'PreAuthorizedCode']);

export interface PostgresAdapterDeps {
  prisma: PrismaClient;
  clock?: () => Date;
  /** Metadata of a client that is not configured statically, or undefined. */
  findClient?: (clientId: string) => Promise<AdapterPayload | undefined>;
}

/** A class oidc-provider instantiates once per model name (`adapter` configuration). */
export type AdapterConstructor = new (name: string) => Adapter;

export function createPostgresAdapter({ prisma, clock = () => new Date(), findClient }: PostgresAdapterDeps): AdapterConstructor {
  let writes = 0;

  async function prune(): Promise<void> {
    await prisma.oidcPayload.deleteMany({ where: { expiresAt: { lt: clock() } } });
  }

  const alive = () => ({ OR: [{ expiresAt: null }, { expiresAt: { gt: clock() } }] });

  const toPayload = (row: { payload: Prisma.JsonValue; consumedAt: Date | null } | null): AdapterPayload | undefined => {
    if (!row || typeof row.payload !== 'object' || row.payload === null || Array.isArray(row.payload)) return undefined;
    const payload = row.payload as AdapterPayload;
    return row.consumedAt ? { ...payload, consumed: Math.floor(row.consumedAt.getTime() / 1000) } : payload;
  };

  return class PostgresAdapter implements Adapter {
    constructor(private readonly kind: string) {}

    async upsert(id: string, payload: AdapterPayload, expiresIn: number): Promise<void> {
      const expiresAt = expiresIn ? new Date(clock().getTime() + expiresIn * 1000) : null;
      const data = {
        payload: payload as Prisma.InputJsonValue,
        grantId: GRANTABLE.has(this.kind) ? (payload.grantId ?? null) : null,
        userCode: payload.userCode ?? null,
        uid: payload.uid ?? null,
        expiresAt,
      };
      await prisma.oidcPayload.upsert({
        where: { kind_id: { kind: this.kind, id } },
        create: { kind: this.kind, id, ...data },
        update: data,
      });
      if (++writes % PRUNE_EVERY === 0) void prune().catch(() => undefined);
    }

    async find(id: string): Promise<AdapterPayload | undefined> {
      if (this.kind === 'Client') return findClient?.(id);
      return toPayload(await prisma.oidcPayload.findFirst({ where: { kind: this.kind, id, ...alive() }, select: { payload: true, consumedAt: true } }));
    }

    async findByUserCode(userCode: string): Promise<AdapterPayload | undefined> {
      return toPayload(await prisma.oidcPayload.findFirst({ where: { kind: this.kind, userCode, ...alive() }, select: { payload: true, consumedAt: true } }));
    }

    async findByUid(uid: string): Promise<AdapterPayload | undefined> {
      return toPayload(await prisma.oidcPayload.findFirst({ where: { kind: this.kind, uid, ...alive() }, select: { payload: true, consumedAt: true } }));
    }

    async consume(id: string): Promise<void> {
      await prisma.oidcPayload.updateMany({ where: { kind: this.kind, id }, data: { consumedAt: clock() } });
    }

    async destroy(id: string): Promise<void> {
      await prisma.oidcPayload.deleteMany({ where: { kind: this.kind, id } });
    }

    async revokeByGrantId(grantId: string): Promise<void> {
      await prisma.oidcPayload.deleteMany({ where: { grantId } });
    }
  };
}
