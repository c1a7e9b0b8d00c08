/**
 * Sign-in with email and password.
 *
 * `login` runs before anyone is known, so it cannot set a tenant for row-level security.
 * It asks the database function `platform_find_login` (SECURITY DEFINER, see the
 * `row_level_security` migration) for the few columns a sign-in needs, then reads the
 * user through the tenant-scoped client once the password has been verified.
 *
 * Unknown email and wrong password give the same error and take the same time. Attempts are
 * throttled per account (`login-throttle.ts`), counted per `login` field, so aliases do not multiply them.
 */
import { z } from 'zod';
import { forTenant } from '@crm/db';
import { badInput, unauthenticated } from '@crm/runtime';
import type { PrismaClient } from '../../../__generated__/prisma/client.ts';
import type { UserModel } from '../../../__generated__/prisma/models.ts';
import { parseInput } from '../../../lib/arguments.ts';
import { normalizeEmail } from '../../users/services/users.ts';
import { ACCESS_TOKEN, signAccessToken } from '../lib/access-token.ts';
import { MAX_PASSWORD_LENGTH, type PasswordHasher } from '../lib/password.ts';
import { createLoginThrottle, type LoginThrottleOptions } from './login-throttle.ts';
import type { SigningKeyStore } from './signing-keys.ts';

export const INVALID_CREDENTIALS = 'Invalid email or password';

const loginInput = z.object({
  email: z.string().transform(normalizeEmail).pipe(z.string().min(1).max(320)),
  password: z.string().min(1).max(MAX_PASSWORD_LENGTH),
  tenantSlug: z
    .string()
    .trim()
    .toLowerCase()
    .max(63)
    .nullish()
    .transform((slug) => slug || null),
});
export type LoginInput = z.input<typeof loginInput>;

/** A successful sign-in. */
export interface AuthSession {
  accessToken: string;
  tokenType: 'Bearer';
  /** Seconds until `accessToken` expires. */
  expiresIn: number;
  user: UserModel;
}

export interface AuthService {
  login(input: LoginInput): Promise<AuthSession>;
  /** A session for a user who has just proved who they are another way (e.g. accepted an invitation). */
  sessionFor(user: UserModel): Promise<AuthSession>;
}

/** One row of `platform_find_login`. */
interface LoginCandidate {
  userId: string;
  tenantId: string;
  passwordHash: string;
  active: boolean;
  role: string;
}

export interface AuthServiceDeps {
  prisma: PrismaClient;
  signingKeys: Pick<SigningKeyStore, 'active'>;
  passwords: PasswordHasher;
  clock?: () => Date;
  /** Per-account sign-in throttling. Default: 10 unsuccessful attempts per 15 minutes. */
  throttle?: LoginThrottleOptions;
}

export function createAuthService({ prisma, signingKeys, passwords, clock = () => new Date(), throttle: throttleOptions }: AuthServiceDeps): AuthService {
  const throttle = createLoginThrottle(prisma, clock, throttleOptions);

  async function sessionFor(user: UserModel): Promise<AuthSession> {
    if (!user.active) throw unauthenticated('This account is deactivated');
    const accessToken = await signAccessToken(
      await signingKeys.active(),
      { userId: user.id, tenantId: user.tenantId, roles: [user.role], email: user.email },
      clock(),
    );
    return { accessToken, tokenType: 'Bearer', expiresIn: ACCESS_TOKEN.ttlSeconds, user };
  }

  return {
    async login(input) {
      const { email, password, tenantSlug } = parseInput(loginInput, input);
      await throttle.attempt(email);
      const candidates = await prisma.$queryRaw<LoginCandidate[]>`
        SELECT "userId"::text AS "userId", "tenantId"::text AS "tenantId", "passwordHash", "active", "role"
        FROM platform_find_login(${email}::text, ${tenantSlug}::text)`;
      if (candidates.length > 1) {
        throw badInput('This email belongs to several tenants; pass tenantSlug to choose one', 'tenantSlug');
      }
      const candidate = candidates[0];
      if (!candidate) {
        await passwords.verifyNothing(password);
        throw unauthenticated(INVALID_CREDENTIALS);
      }
      if (!(await passwords.verify(candidate.passwordHash, password))) throw unauthenticated(INVALID_CREDENTIALS);
      if (!candidate.active) throw unauthenticated('This account is deactivated');

      const user = await forTenant(prisma, candidate.tenantId).user.findUnique({ where: { id: candidate.userId } });
      if (!user) throw unauthenticated(INVALID_CREDENTIALS);
      const session = await sessionFor(user);
      await throttle.succeeded(email);
      return session;
    },
    sessionFor,
  };
}
