/**
 * The sales domain services, shared by the resolvers of every request and usable directly
 * (with a tenant id and an actor) to seed tests and the demo tenant.
 */
import type { PrismaClient } from './__generated__/prisma/client.ts';
import { createActivityService, type ActivityService } from './modules/activities/services/activities.ts';
import { createDealPeopleService, type DealPeopleService } from './modules/deal-people/services/deal-people.ts';
import { createDealService, type DealService } from './modules/deals/services/deals.ts';
import { createLineItemService, type LineItemService } from './modules/line-items/services/line-items.ts';
import { createPipelineService, type PipelineService } from './modules/pipelines/services/pipelines.ts';
import { createProductService, type ProductService } from './modules/products/services/products.ts';
import { createSalesPersonalData, type SalesPersonalData } from './modules/personal-data/services/personal-data.ts';

export interface SalesServices {
  pipelines: PipelineService;
  deals: DealService;
  activities: ActivityService;
  products: ProductService;
  lineItems: LineItemService;
  dealPeople: DealPeopleService;
  /** Export and erasure of a contact's personal data (GDPR). */
  personalData: SalesPersonalData;
}

export interface SalesServiceDeps {
  prisma: PrismaClient;
  /** Called after a transaction that appended outbox events has committed (the relay publishes at once). */
  eventsCommitted: () => void;
}

export function createSalesServices(deps: SalesServiceDeps): SalesServices {
  return {
    pipelines: createPipelineService(deps),
    deals: createDealService(deps),
    activities: createActivityService(deps),
    products: createProductService(deps),
    lineItems: createLineItemService(deps),
    dealPeople: createDealPeopleService(deps),
    personalData: createSalesPersonalData(deps),
  };
}
