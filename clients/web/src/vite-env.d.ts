/// <reference types="vite/client" />

interface ImportMetaEnv {
  /** Absolute or relative URL of the GraphQL endpoint; default `/graphql` on the app's origin. */
  readonly VITE_GRAPHQL_URL?: string;
}
