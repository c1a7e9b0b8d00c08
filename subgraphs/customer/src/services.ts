/** The customer domain services, built once per subgraph and shared by all requests. */
import type { PrismaClient } from './__generated__/prisma/client.ts';
import { createAccountsService, type AccountsService } from './modules/accounts/services/accounts.ts';
import { createContactsService, type ContactsService } from './modules/contacts/services/contacts.ts';
import { createCustomFieldDefinitionsService, type CustomFieldDefinitionsService } from './modules/custom-fields/services/definitions.ts';
import { createLeadConversionService, type LeadConversionService } from './modules/lead-conversion/services/lead-conversion.ts';
import { createLeadsService, type LeadsService } from './modules/leads/services/leads.ts';
import { createImportsService, type ImportsService } from './modules/imports/services/imports.ts';
import { createLeadAssignmentService, type LeadAssignmentService } from './modules/lead-assignment/services/lead-assignment.ts';
import { createLeadFormsService, type LeadFormsService } from './modules/lead-capture/services/lead-forms.ts';
import { createLeadRules } from './modules/lead-scoring/services/lead-rules.ts';
import { createLeadScoringService, type LeadScoringService } from './modules/lead-scoring/services/lead-scoring.ts';
import { createSearchService, type SearchService } from './modules/search/services/search.ts';
import { createPersonalDataService, type PersonalDataService } from './modules/personal-data/services/personal-data.ts';

export interface CustomerServices {
  accounts: AccountsService;
  contacts: ContactsService;
  leads: LeadsService;
  customFields: CustomFieldDefinitionsService;
  leadConversions: LeadConversionService;
  imports: ImportsService;
  leadScoring: LeadScoringService;
  leadAssignment: LeadAssignmentService;
  leadForms: LeadFormsService;
  search: SearchService;
  personalData: PersonalDataService;
}

export interface CustomerServicesDeps {
  prisma: PrismaClient;
  /** Called after each committed write (the outbox relay's `nudge`). */
  onCommit: () => void;
}

export function createCustomerServices(deps: CustomerServicesDeps): CustomerServices {
  const leadScoring = createLeadScoringService(deps);
  const leadAssignment = createLeadAssignmentService(deps);
  const leads = createLeadsService({ ...deps, rules: createLeadRules({ scoring: leadScoring, assignment: leadAssignment }) });
  return {
    accounts: createAccountsService(deps),
    contacts: createContactsService(deps),
    leads,
    customFields: createCustomFieldDefinitionsService(deps),
    leadConversions: createLeadConversionService(deps),
    imports: createImportsService(deps),
    leadScoring,
    leadAssignment,
    leadForms: createLeadFormsService({ prisma: deps.prisma, leads }),
    search: createSearchService(deps),
    personalData: createPersonalDataService(deps),
  };
}
