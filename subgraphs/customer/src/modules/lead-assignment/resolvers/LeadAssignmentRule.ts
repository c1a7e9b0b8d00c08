import type { LeadAssignmentRuleResolvers } from '../../../__generated__/resolvers-types.ts';

export const LeadAssignmentRule: LeadAssignmentRuleResolvers = {
  userIds: (rule) => rule.userIds ?? [],
};
