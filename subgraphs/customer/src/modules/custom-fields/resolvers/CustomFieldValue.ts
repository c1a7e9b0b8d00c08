import type { CustomFieldValueResolvers } from '../../../__generated__/resolvers-types.ts';

export const CustomFieldValue: CustomFieldValueResolvers = {
  /** Values are built by `valueObject` (lib/custom-fields.ts), which names their type. */
  __resolveType: (value) => value.__typename,
};
