/**
 * The gateway's one import of graphql-js.
 *
 * graphql-js refuses schemas and errors created by a second copy of itself, and the package
 * ships two builds (CommonJS `index.js`, ESM `index.mjs`). Apollo Gateway, Apollo Server and
 * graphql-ws load the CommonJS build; naming it explicitly here keeps the gateway on the same
 * instance under every loader, including test runners that would pick the ESM build for
 * source files.
 */
export * from 'graphql/index.js';
