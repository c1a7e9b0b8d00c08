/** The platform subgraph's schema modules: each module's SDL with its resolvers. */
import { readFileSync } from 'node:fs';
import { gql } from 'graphql-tag';
import type { GraphQLSchemaModule } from '@apollo/subgraph';
import { apiKeysResolvers } from './modules/api-keys/resolvers/index.ts';
import { auditResolvers } from './modules/audit/resolvers/index.ts';
import { notificationsResolvers } from './modules/notifications/resolvers/index.ts';
import { authResolvers } from './modules/auth/resolvers/index.ts';
import { tenantsResolvers } from './modules/tenants/resolvers/index.ts';
import { usersResolvers } from './modules/users/resolvers/index.ts';
import { oauthResolvers } from './modules/oauth/resolvers/index.ts';
import { timelineResolvers } from './modules/timeline/resolvers/index.ts';
import { personalDataResolvers } from './modules/personal-data/resolvers/index.ts';
import { filesResolvers } from './modules/files/resolvers/index.ts';
import { emailResolvers } from './modules/email/resolvers/index.ts';
import { rolesResolvers } from './modules/roles/resolvers/index.ts';
import { savedViewsResolvers } from './modules/saved-views/resolvers/index.ts';
import { dataMaskingResolvers } from './modules/data-masking/resolvers/index.ts';

const sdl = (module: string) => gql(readFileSync(new URL(`./modules/${module}/schema.graphql`, import.meta.url), 'utf8'));

/** `tenants` comes first: it carries the `@link` to Federation and the root `Query` type. */
export const platformModules: GraphQLSchemaModule[] = [
  { typeDefs: sdl('tenants'), resolvers: tenantsResolvers },
  { typeDefs: sdl('users'), resolvers: usersResolvers },
  { typeDefs: sdl('auth'), resolvers: authResolvers },
  { typeDefs: sdl('api-keys'), resolvers: apiKeysResolvers },
  { typeDefs: sdl('audit'), resolvers: auditResolvers },
  { typeDefs: sdl('notifications'), resolvers: notificationsResolvers },
  { typeDefs: sdl('oauth'), resolvers: oauthResolvers },
  { typeDefs: sdl('timeline'), resolvers: timelineResolvers },
  { typeDefs: sdl('personal-data'), resolvers: personalDataResolvers },
  { typeDefs: sdl('email'), resolvers: emailResolvers },
  { typeDefs: sdl('roles'), resolvers: rolesResolvers },
  { typeDefs: sdl('saved-views'), resolvers: savedViewsResolvers },
  { typeDefs: sdl('files'), resolvers: filesResolvers },
  { typeDefs: sdl('data-masking'), resolvers: dataMaskingResolvers },
];
