/**
 * Where the API lives. By default the app talks to `/graphql` on its own origin (the product's
 * server and the Vite dev server both proxy it to the gateway); `VITE_GRAPHQL_URL` points the
 * build at another origin. The only place that reads `import.meta.env`.
 */
const configured: unknown = import.meta.env.VITE_GRAPHQL_URL;

function httpUrl(): string {
  return new URL(typeof configured === 'string' && configured ? configured : '/graphql', window.location.href).toString();
}

/** GraphQL over HTTP (queries and mutations). */
export const graphqlHttpUrl: string = httpUrl();

/** GraphQL over WebSocket (`graphql-transport-ws`, subscriptions), same path as HTTP. */
export const graphqlWsUrl: string = graphqlHttpUrl.replace(/^http/, 'ws');
