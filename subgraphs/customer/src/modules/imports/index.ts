/** CSV import jobs (contacts, accounts, leads): SDL in schema.graphql, HTTP routes in lib/routes.ts, runner in services/import-runner.ts. */
export { resolvers } from './resolvers/index.ts';
