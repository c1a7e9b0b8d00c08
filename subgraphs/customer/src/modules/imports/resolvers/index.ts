/** Resolvers of CSV imports: thin, the rules live in services/imports.ts. */
import { encodeKeysetCursor } from '@crm/db';
import { forbidden } from '@crm/runtime';
import type { Resolvers } from '../../../__generated__/resolvers-types.ts';
import { mappingOf } from '../services/imports.ts';
import { Mutation } from './Mutation.ts';
import { Query } from './Query.ts';

const entries = (json: unknown) => Object.entries(mappingOf(json)).map(([column, field]) => ({ column, field }));

/**
 * Declared for the supergraph; the gateway serves it over graphql-ws from
 * `customer.import.progressed` events. Asking the subgraph directly is a client mistake.
 */
const servedByGateway = () => {
  throw forbidden('importProgress is served by the gateway over graphql-ws, not by the customer subgraph');
};

export const resolvers: Resolvers = {
  Query,
  Mutation,
  Subscription: {
    importProgress: { subscribe: servedByGateway, resolve: servedByGateway },
  },
  ImportJob: {
    entity: (job) => job.entity,
    mapping: (job) => entries(job.mapping),
    preview: (job, { first }, context) => context.services.imports.preview(context.db!, job, first),
    errors: (job, { first }, context) => context.services.imports.errors(context.db!, job, first),
    errorReportUrl: (job) => `/imports/${job.id}/errors.csv`,
  },
  ImportMapping: {
    entity: (saved) => saved.entity,
    mapping: (saved) => entries(saved.mapping),
  },
  ImportJobConnection: {
    edges: (page) => page.rows.map((node) => ({ node, cursor: encodeKeysetCursor({ at: node.createdAt, id: node.id }) })),
    pageInfo: (page) => {
      const first = page.rows[0];
      const last = page.rows[page.rows.length - 1];
      return {
        hasNextPage: page.hasNextPage,
        hasPreviousPage: page.hasPreviousPage,
        startCursor: first ? encodeKeysetCursor({ at: first.createdAt, id: first.id }) : null,
        endCursor: last ? encodeKeysetCursor({ at: last.createdAt, id: last.id }) : null,
      };
    },
  },
};
