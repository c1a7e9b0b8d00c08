import type { Resolvers } from '../../__generated__/resolvers-types.ts';
import { Mutation } from './resolvers/Mutation.ts';
import { Query } from './resolvers/Query.ts';
import { WebhookEndpoint } from './resolvers/WebhookEndpoint.ts';

export const resolvers: Resolvers = { Query, Mutation, WebhookEndpoint };
