/**
 * Sign-in throttling per account, shared by every replica through the `LoginFailure` table.
 *
 * Every attempt is recorded before its password is checked, and refused when the account already
 * has `maxAttempts` unsuccessful attempts within `windowMs`. Counting each attempt in the service
 * (not each HTTP request) means a document with 50 aliased `login` fields gets no more attempts
 * than 50 separate requests, even when its fields run concurrently. A successful sign-in clears
 * the account's count. The table is used rather than process memory so that replicas share one
 * count (the subgraph has no Redis).
 *
 * Per-address throttling uses the same table with keys `ip:<address>` (`Services.signInAddresses`):
 * the gateway sends the caller's address with anonymous requests, and the sign-in form reads it
 * from the gateway's `x-forwarded-for`.
 */
import { AppError, ErrorCode } from '@crm/runtime';
import type { PrismaClient } from '../../../__generated__/prisma/client.ts';

export interface LoginThrottleOptions {
  /** Unsuccessful attempts allowed per account within the window. Default 10. */
  maxAttempts?: number;
  /** Length of the window, ms. Default 15 minutes. */
  windowMs?: number;
}

export const LOGIN_THROTTLE_DEFAULTS: Required<LoginThrottleOptions> = { maxAttempts: 10, windowMs: 15 * 60_000 };

export interface LoginThrottle {
  /** Records an attempt for `email`; RATE_LIMITED when the account has used up its attempts. */
  attempt(email: string): Promise<void>;
  /** Clears the account's count after a successful sign-in. */
  succeeded(email: string): Promise<void>;
  /** Takes back the latest attempt of `key` (a successful sign-in from an address that others share). */
  forgive(key: string): Promise<void>;
}

/** Old rows of every account are pruned once per this many attempts. */
const PRUNE_EVERY = 500;

export function createLoginThrottle(prisma: PrismaClient, clock: () => Date, options: LoginThrottleOptions = {}): LoginThrottle {
  const { maxAttempts, windowMs } = { ...LOGIN_THROTTLE_DEFAULTS, ...options };
  let sincePrune = 0;
  return {
    async attempt(email) {
      const now = clock();
      const windowStart = new Date(now.getTime() - windowMs);
      if (++sincePrune >= PRUNE_EVERY) {
        sincePrune = 0;
        await prisma.loginFailure.deleteMany({ where: { attemptedAt: { lt: windowStart } } });
      }
      // One account's attempts are counted one at a time (transaction-scoped advisory lock), so
      // concurrent attempts each see the ones before them and exactly `maxAttempts` get through.
      const recent = await prisma.$transaction(
        async (tx) => {
          await tx.$queryRaw`SELECT pg_advisory_xact_lock(hashtext(${`login:${email}`}))::text`;
          await tx.loginFailure.create({ data: { email, attemptedAt: now } });
          return tx.loginFailure.findMany({
            where: { email, attemptedAt: { gt: windowStart } },
            orderBy: { attemptedAt: 'asc' },
            select: { attemptedAt: true },
          });
        },
        { maxWait: 10_000, timeout: 10_000 },
      );
      if (recent.length > maxAttempts) {
        const oldest = recent[recent.length - 1 - maxAttempts]!.attemptedAt.getTime();
        const retryAfterSeconds = Math.max(1, Math.ceil((oldest + windowMs - now.getTime()) / 1000));
        throw new AppError(ErrorCode.RATE_LIMITED, 'Too many sign-in attempts for this account; try again later', { retryAfterSeconds });
      }
    },
    async succeeded(email) {
      await prisma.loginFailure.deleteMany({ where: { email } });
    },
    async forgive(key) {
      const latest = await prisma.loginFailure.findFirst({ where: { email: key }, orderBy: { attemptedAt: 'desc' }, select: { id: true } });
      if (latest) await prisma.loginFailure.deleteMany({ where: { id: latest.id } });
    },
  };
}
