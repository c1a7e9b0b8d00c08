/**
 * GraphQL type -> the value its field resolvers receive (read by codegen).
 * Entities map to their database rows, so a field resolver gets the row it needs.
 */
import type { TenantModel, TeamModel, UserModel } from './__generated__/prisma/models.ts';
import type { AuthSession } from './modules/auth/services/auth.ts';

export type TenantMapper = TenantModel;
export type UserMapper = UserModel;
export type TeamMapper = TeamModel;
export type AuthPayloadMapper = AuthSession;
