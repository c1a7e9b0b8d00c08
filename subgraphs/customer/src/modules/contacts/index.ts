import type { Resolvers } from '../../__generated__/resolvers-types.ts';
import { Contact, ContactRelationship } from './resolvers/Contact.ts';
import { ContactConnection } from './resolvers/ContactConnection.ts';
import { Mutation } from './resolvers/Mutation.ts';
import { Query } from './resolvers/Query.ts';

export const resolvers: Resolvers = { Query, Mutation, Contact, ContactConnection, ContactRelationship };
