/**
 * The platform's domain services, created once per subgraph and shared by requests,
 * tests and the demo seed. Writes take the tenant (and optionally the actor) explicitly.
 */
import type { PrismaClient } from './__generated__/prisma/client.ts';
import { createApiKeyService, type ApiKeyService } from './modules/api-keys/services/api-keys.ts';
import { createAuditLogService, type AuditLogService } from './modules/audit/services/audit-log.ts';
import { createTimelineService, type TimelineService } from './modules/timeline/services/timeline.ts';
import { createPlatformPersonalData, type PlatformPersonalData } from './modules/personal-data/services/personal-data.ts';
import { createOutboundEmailService, type OutboundEmailService } from './modules/email/services/outbound-emails.ts';
import { createAuthService, type AuthService } from './modules/auth/services/auth.ts';
import { createLoginThrottle, type LoginThrottle, type LoginThrottleOptions } from './modules/auth/services/login-throttle.ts';
import { createSigningKeyStore, type SigningKeyStore } from './modules/auth/services/signing-keys.ts';
import { createPasswordHasher, type PasswordHasher } from './modules/auth/lib/password.ts';
import { createNotificationService, type NotificationService } from './modules/notifications/services/notifications.ts';
import { createTenantService, type TenantService } from './modules/tenants/services/tenants.ts';
import { createInvitationService, type InvitationService } from './modules/users/services/invitations.ts';
import { createMembershipService, type MembershipService } from './modules/users/services/membership.ts';
import { createTeamService, type TeamService } from './modules/users/services/teams.ts';
import { createUserService, type UserService } from './modules/users/services/users.ts';
import { createOAuthClientService, type OAuthClientService } from './modules/oauth/services/oauth-clients.ts';
import { OIDC_DEFAULTS } from './modules/oauth/lib/oidc-config.ts';
import { createRoleService, type RoleService } from './modules/roles/services/roles.ts';
import { createSavedViewService, type SavedViewService } from './modules/saved-views/services/saved-views.ts';
import { createFiles, type FilesDeps } from './modules/files/lib/files-options.ts';
import type { AttachmentService } from './modules/files/services/attachments.ts';

export interface ServiceDeps {
  /** Base client; services set the tenant themselves (`withTenantTransaction`). */
  prisma: PrismaClient;
  /** Called after a transaction that wrote outbox events commits (publishes them at once). */
  afterCommit: () => void;
  passwords?: PasswordHasher;
  clock?: () => Date;
  /** Per-account sign-in throttling. Default: 10 unsuccessful attempts per 15 minutes. */
  loginThrottle?: LoginThrottleOptions;
  /** Refused sign-ins allowed per client address within 15 minutes, through GraphQL `login` and the sign-in form together (default 100). */
  maxSignInFailuresPerAddress?: number;
  /** Attachments: storage, scanner, limits, the gateway that checks records, the URL-signing secret. */
  files?: Omit<FilesDeps, 'prisma' | 'afterCommit'>;
}

export interface Services {
  tenants: TenantService;
  users: UserService;
  teams: TeamService;
  auth: AuthService;
  /** Refused sign-ins per client address (`ip:<address>`), shared by `login` and the sign-in form. */
  signInAddresses: LoginThrottle;
  signingKeys: SigningKeyStore;
  apiKeys: ApiKeyService;
  invitations: InvitationService;
  membership: MembershipService;
  auditLog: AuditLogService;
  timeline: TimelineService;
  notifications: NotificationService;
  oauthClients: OAuthClientService;
  /** Export and erasure of a contact's personal data (GDPR). */
  personalData: PlatformPersonalData;
  /** The tenant's outgoing e-mails and their delivery state. */
  outboundEmails: OutboundEmailService;
  /** Built-in and custom roles of a tenant, and the custom roles users hold. */
  roles: RoleService;
  /** Saved list views of users, private or shared with the tenant. */
  savedViews: SavedViewService;
  /** Files attached to records: uploads, downloads, deletion. */
  attachments: AttachmentService;
}

export function createServices(deps: ServiceDeps): Services {
  const passwords = deps.passwords ?? createPasswordHasher();
  const clock = deps.clock ?? (() => new Date());
  const signingKeys = createSigningKeyStore({ prisma: deps.prisma, clock });
  const writeDeps = { prisma: deps.prisma, afterCommit: deps.afterCommit };
  const { attachments } = createFiles({ ...writeDeps, ...deps.files });
  return {
    tenants: createTenantService(writeDeps),
    users: createUserService({ ...writeDeps, passwords }),
    teams: createTeamService(writeDeps),
    auth: createAuthService({ prisma: deps.prisma, signingKeys, passwords, clock, ...(deps.loginThrottle ? { throttle: deps.loginThrottle } : {}) }),
    signInAddresses: createLoginThrottle(deps.prisma, clock, { maxAttempts: deps.maxSignInFailuresPerAddress ?? OIDC_DEFAULTS.maxAttemptsPerAddress }),
    signingKeys,
    apiKeys: createApiKeyService({ ...writeDeps, clock }),
    auditLog: createAuditLogService({ prisma: deps.prisma }),
    timeline: createTimelineService(),
    invitations: createInvitationService({ ...writeDeps, passwords, clock }),
    membership: createMembershipService({ ...writeDeps, clock }),
    notifications: createNotificationService({ ...writeDeps, clock }),
    oauthClients: createOAuthClientService({ ...writeDeps, clock }),
    personalData: createPlatformPersonalData({ ...writeDeps, attachments }),
    outboundEmails: createOutboundEmailService(),
    roles: createRoleService(writeDeps),
    savedViews: createSavedViewService(writeDeps),
    attachments,
  };
}
