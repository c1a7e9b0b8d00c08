import type { SearchRecordResolvers } from '../../../__generated__/resolvers-types.ts';

/** Tells the record types apart by a column only that type has. */
export const SearchRecord: SearchRecordResolvers = {
  __resolveType: (record) => ('firstName' in record ? 'Contact' : 'status' in record ? 'Lead' : 'Account'),
};
