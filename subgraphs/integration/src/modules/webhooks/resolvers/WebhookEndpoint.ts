import type { WebhookEndpointResolvers } from '../../../__generated__/resolvers-types.ts';
import { requireTenant } from '../../../context.ts';
import { secretHint } from '../lib/secret-box.ts';

export const WebhookEndpoint: WebhookEndpointResolvers = {
  /** Batched through the request's loader; an id of another tenant resolves to null. */
  __resolveReference: (reference, context) => {
    requireTenant(context);
    return context.loaders.webhookEndpoint.load(reference.id);
  },
  secretHint: (endpoint) => secretHint(endpoint.secretLast4),
};
