/** The customer domain services, built once per subgraph and shared by all requests. */
import type { PrismaClient } from './__generated__/prisma/client.ts';
import { createAccountsService, type AccountsService } from './modules/accounts/services/accounts.ts';
import { createContactsService, type ContactsService } from './modules/contacts/services/contacts.ts';
import { createCustomFieldDefinitionsService, type CustomFieldDefinitionsService } from './modules/custom-fields/services/definitions.ts';
import { createLeadConversionService, type LeadConversionService } from './modules/lead-conversion/services/lead-conversion.ts';
import { createLeadsService, type LeadsService } from './modules/leads/services/leads.ts';

export interface CustomerServices {
  accounts: AccountsService;
  contacts: ContactsService;
  leads: LeadsService;
  customFields: CustomFieldDefinitionsService;
  leadConversions: LeadConversionService;
}

export interface CustomerServicesDeps {
  prisma: PrismaClient;
  /** Called after each committed write (the outbox relay's `nudge`). */
  onCommit: () => void;
}

export function createCustomerServices(deps: CustomerServicesDeps): CustomerServices {
  return {
    accounts: createAccountsService(deps),
    contacts: createContactsService(deps),
    leads: createLeadsService(deps),
    customFields: createCustomFieldDefinitionsService(deps),
    leadConversions: createLeadConversionService(deps),
  };
}
