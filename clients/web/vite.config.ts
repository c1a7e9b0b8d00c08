/**
 * Vite config for the web app. In development (`pnpm dev`) the dev server proxies `/graphql`,
 * HTTP and WebSocket, and the OpenID Connect provider `/oidc` to the gateway, so the app always talks to its own origin, exactly as
 * in production where the product's server serves `dist/` and the API on one origin.
 * `CRM_GATEWAY_URL` overrides the gateway address (default http://127.0.0.1:4000).
 */
import react from '@vitejs/plugin-react';
import { defineConfig, loadEnv } from 'vite';

export default defineConfig(({ mode }) => {
  const gateway = loadEnv(mode, process.cwd(), 'CRM_').CRM_GATEWAY_URL ?? 'http://127.0.0.1:4000';
  return {
    plugins: [react()],
    server: {
      port: 5173,
      proxy: {
        '/graphql': { target: gateway, ws: true },
        '/oidc': { target: gateway },
        '/bi': { target: gateway },
        '/imports': { target: gateway },
        '/exports': { target: gateway },
      },
    },
    preview: {
      proxy: {
        '/graphql': { target: gateway, ws: true },
        '/oidc': { target: gateway },
        '/bi': { target: gateway },
        '/imports': { target: gateway },
        '/exports': { target: gateway },
      },
    },
    build: {
      outDir: 'dist',
      sourcemap: true,
      target: 'es2022',
      rolldownOptions: {
        output: {
          // Libraries change less often than the app: separate chunks stay cached across releases.
          codeSplitting: {
            groups: [
              { name: 'react', test: /node_modules[\\/](react|react-dom|scheduler)[\\/]/, priority: 2 },
              { name: 'graphql', test: /node_modules[\\/](@apollo|graphql|graphql-ws|rxjs|@wry|optimism|tslib|@graphql-typed-document-node)[\\/]/, priority: 1 },
            ],
          },
        },
      },
    },
  };
});
