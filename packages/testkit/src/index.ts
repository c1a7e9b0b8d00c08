export * from './client.ts';
export * from './stack.ts';
export { createAccount, createDeal, createPipeline, createTenantWithUsers, login, moveDeal, STANDARD_STAGES } from '@crm/stack';
