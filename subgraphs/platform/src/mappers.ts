/**
 * GraphQL type -> the value its field resolvers receive (read by codegen).
 * Entities map to their database rows, so a field resolver gets the row it needs.
 */
import type { ApiKeyModel, AuditEntryModel, InvitationModel, NotificationModel, TenantModel, TeamModel, UserModel } from './__generated__/prisma/models.ts';
import type { RecordsTransfer } from './modules/users/services/membership.ts';
import type { CreatedApiKey } from './modules/api-keys/services/api-keys.ts';
import type { AuthSession } from './modules/auth/services/auth.ts';
import type { OAuthClientModel } from './__generated__/prisma/models.ts';
import type { CreatedOAuthClient } from './modules/oauth/services/oauth-clients.ts';
import type { RoleView } from './modules/roles/lib/role-view.ts';
import type { SavedViewRecord } from './modules/saved-views/services/saved-views.ts';

export type TenantMapper = TenantModel;
export type UserMapper = UserModel;
export type TeamMapper = TeamModel;
export type AuthPayloadMapper = AuthSession;
export type ApiKeyMapper = ApiKeyModel;
export type CreatedApiKeyMapper = CreatedApiKey;
export type AuditEntryMapper = AuditEntryModel;
export type TimelineEntryMapper = AuditEntryModel;
export type InvitationMapper = InvitationModel;
export type RecordsTransferMapper = RecordsTransfer;
export type NotificationMapper = NotificationModel;
export type OAuthClientMapper = OAuthClientModel;
export type CreatedOAuthClientMapper = CreatedOAuthClient;
export type SavedViewMapper = SavedViewRecord;
export type RoleDefinitionMapper = RoleView;
export type OutboundEmailMapper = import('./__generated__/prisma/models.ts').OutboundEmailModel;
export type AttachmentMapper = import('./__generated__/prisma/models.ts').AttachmentModel;
export type AttachmentUploadMapper = import('./modules/files/services/attachments.ts').AttachmentUpload;
/** A reference to the sales subgraph's activity (its `createdAt` arrives for `@requires`). */
export type ActivityMapper = { __typename?: 'Activity'; id: string; createdAt?: Date | string };
