/**
 * Tenant isolation in the data layer. Every operation of a tenant-scoped client runs in a transaction
 * that first sets `app.tenant_id` (read by the row-level security policies), and `tenantId` is added to
 * the `where` and `data` of every model that has that field. Both layers must agree for a row to be
 * seen or written, so a bug in one is still caught by the other.
 *
 * Raw SQL (`$queryRaw`, `$executeRaw`, ...) is passed through untouched and does NOT get the tenant
 * context on its own: run raw SQL inside {@link withTenantTransaction}.
 */
import { forbidden } from '@crm/runtime';

/** Interactive transaction client of a Prisma client type (what `$transaction(async (tx) => ...)` gives). */
export type TxClient<C> = Omit<C, '$connect' | '$disconnect' | '$on' | '$transaction' | '$extends'>;

/**
 * What `forTenant` needs from a Prisma client; every generated client (extended or not) has it.
 * Declared with method syntax on purpose so the generated, heavily generic signatures are accepted.
 */
export interface TenantScopableClient {
  $extends(extension: never): unknown;
  $transaction(arg: never, options?: never): Promise<unknown>;
  $executeRaw(query: TemplateStringsArray, ...values: never[]): PromiseLike<number>;
}

/** Runtime shapes of Prisma Client internals used here (stable across Prisma 5-7). */
interface RuntimeField {
  name: string;
  kind: string;
  type: string;
}
interface RuntimeDataModel {
  models: Record<string, { fields: RuntimeField[] } | undefined>;
}
type Args = Record<string, unknown>;
interface QueryHookParams {
  model?: string;
  operation: string;
  args: Args | undefined;
  query: (args: Args | undefined) => PromiseLike<unknown>;
  __internalParams?: { transaction?: { kind: string } };
}
interface RuntimeClient {
  _runtimeDataModel?: RuntimeDataModel;
  $extends(extension: { name: string; query: { $allModels: { $allOperations(params: QueryHookParams): Promise<unknown> } } }): RuntimeClient;
  $transaction(arg: PromiseLike<unknown>[], options?: unknown): Promise<unknown[]>;
  $transaction(arg: (tx: RuntimeClient) => Promise<unknown>, options?: unknown): Promise<unknown>;
  $executeRaw(query: TemplateStringsArray, ...values: unknown[]): PromiseLike<number>;
}

const UUID = /^[0-9a-f]{8}-[0-9a-f]{4}-[0-9a-f]{4}-[0-9a-f]{4}-[0-9a-f]{12}$/i;

/** Throws FORBIDDEN unless `tenantId` is a UUID: data access without a tenant is never allowed. */
export function assertTenantId(tenantId: unknown): asserts tenantId is string {
  if (typeof tenantId !== 'string' || !UUID.test(tenantId)) throw forbidden('A valid tenant is required for data access');
}

/** Operations whose `where` gets `tenantId` (Prisma accepts extra non-unique fields in unique filters). */
const WHERE_OPERATIONS = new Set([
  'findUnique',
  'findUniqueOrThrow',
  'findFirst',
  'findFirstOrThrow',
  'findMany',
  'count',
  'aggregate',
  'groupBy',
  'update',
  'updateMany',
  'updateManyAndReturn',
  'delete',
  'deleteMany',
  'upsert',
]);
/** Operations whose `data` (one record or a list) gets `tenantId`. */
const DATA_OPERATIONS = new Set(['create', 'createMany', 'createManyAndReturn']);

const tenantModels = new WeakMap<RuntimeDataModel, Map<string, boolean>>();

function hasTenantId(dataModel: RuntimeDataModel | undefined, model: string): boolean {
  if (!dataModel) return false;
  let cache = tenantModels.get(dataModel);
  if (!cache) tenantModels.set(dataModel, (cache = new Map()));
  let scoped = cache.get(model);
  if (scoped === undefined) {
    scoped = dataModel.models[model]?.fields.some((field) => field.name === 'tenantId' && field.kind === 'scalar') ?? false;
    cache.set(model, scoped);
  }
  return scoped;
}

function withTenantData(data: unknown, tenantId: string): unknown {
  if (Array.isArray(data)) return data.map((row: unknown) => withTenantData(row, tenantId));
  return data !== null && typeof data === 'object' ? { ...(data as Args), tenantId } : data;
}

/** Adds `tenantId` to the where/data of one operation on a tenant-owned model. */
export function scopeArgs(operation: string, args: Args | undefined, tenantId: string): Args {
  const scoped: Args = { ...(args ?? {}) };
  if (WHERE_OPERATIONS.has(operation)) scoped.where = { ...((scoped.where as Args | undefined) ?? {}), tenantId };
  if (DATA_OPERATIONS.has(operation)) scoped.data = withTenantData(scoped.data, tenantId);
  if (operation === 'upsert') scoped.create = withTenantData(scoped.create, tenantId);
  return scoped;
}

function tenantExtension(base: RuntimeClient, tenantId: string) {
  const dataModel = base._runtimeDataModel;
  return {
    name: 'crm-tenant-scope',
    query: {
      $allModels: {
        async $allOperations({ model, operation, args, query, __internalParams }: QueryHookParams): Promise<unknown> {
          const scopedArgs = model && hasTenantId(dataModel, model) ? scopeArgs(operation, args, tenantId) : args;
          // Inside a transaction already (withTenantTransaction, or a batch): that transaction owns the
          // tenant context. Without it, RLS sees no tenant and the operation fails closed.
          if (__internalParams?.transaction) return query(scopedArgs);
          const [, result] = await base.$transaction([
            base.$executeRaw`SELECT set_config('app.tenant_id', ${tenantId}, true)`,
            query(scopedArgs),
          ]);
          return result;
        },
      },
    },
  };
}

/** Runs `fn` in an interactive transaction of `scoped` that first sets the tenant context. */
function tenantTransaction(scoped: RuntimeClient, tenantId: string, fn: (tx: RuntimeClient) => Promise<unknown>, options?: unknown): Promise<unknown> {
  return scoped.$transaction(async (tx) => {
    await tx.$executeRaw`SELECT set_config('app.tenant_id', ${tenantId}, true)`;
    return fn(tx);
  }, options);
}

/**
 * The same client, scoped to one tenant: every model operation runs as
 * `$transaction([set_config('app.tenant_id', tenantId, true), operation])` with `tenantId` added to
 * where/data. Its `$transaction` (interactive or batch) sets the tenant context once for the whole
 * transaction. Creates take unchecked inputs (`tenantId` is set for you); a caller-supplied tenantId is
 * overwritten. Nested writes to related models are not rewritten: pass their `tenantId` (the generated
 * types require it; row-level security rejects a wrong one).
 */
export function forTenant<C extends TenantScopableClient>(prisma: C, tenantId: string): C {
  assertTenantId(tenantId);
  let clients = scopedClients.get(prisma);
  if (!clients) scopedClients.set(prisma, (clients = new Map()));
  let scoped = clients.get(tenantId);
  if (!scoped) {
    if (clients.size >= MAX_SCOPED_CLIENTS) clients.delete(clients.keys().next().value!);
    scoped = scopeClient(prisma as unknown as RuntimeClient, tenantId);
    clients.set(tenantId, scoped);
  }
  return scoped as C;
}

/**
 * Scoped clients are stateless, so one per (client, tenant) is built and reused across requests
 * instead of extending the client on every request; the oldest is dropped past the bound.
 */
const MAX_SCOPED_CLIENTS = 1_000;
const scopedClients = new WeakMap<object, Map<string, unknown>>();

function scopeClient(base: RuntimeClient, tenantId: string): unknown {
  const scoped = base.$extends(tenantExtension(base, tenantId));
  const $transaction = (arg: unknown, options?: unknown): Promise<unknown> => {
    if (typeof arg === 'function') return tenantTransaction(scoped, tenantId, arg as (tx: RuntimeClient) => Promise<unknown>, options);
    if (!Array.isArray(arg)) return scoped.$transaction(arg as PromiseLike<unknown>[], options);
    // Batch: the operations see the batch as their transaction and run as they are, after the context.
    return scoped
      .$transaction([base.$executeRaw`SELECT set_config('app.tenant_id', ${tenantId}, true)`, ...(arg as PromiseLike<unknown>[])], options)
      .then((results) => results.slice(1));
  };
  return new Proxy(scoped, {
    get: (target, property) => (property === '$transaction' ? $transaction : Reflect.get(target, property)),
  });
}

/**
 * Interactive transaction with `app.tenant_id` set and the tenant scoping of {@link forTenant} applied to
 * `tx`; use it for writes plus their outbox events, and for raw SQL.
 */
export async function withTenantTransaction<C extends TenantScopableClient, T>(
  prisma: C,
  tenantId: string,
  fn: (tx: TxClient<C>) => Promise<T>,
): Promise<T> {
  // The scoped client's interactive `$transaction` sets the tenant context first (see forTenant).
  const scoped = forTenant(prisma, tenantId) as unknown as RuntimeClient;
  return (await scoped.$transaction(fn as unknown as (tx: RuntimeClient) => Promise<unknown>)) as T;
}
