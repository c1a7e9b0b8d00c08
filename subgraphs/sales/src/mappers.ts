/**
 * What each GraphQL type's resolvers receive as parent: the database row for sales' own
 * entities, and a bare reference for entities other subgraphs own.
 */
import type {
  ActivityModel,
  BoardChangeModel,
  DealContactModel,
  DealLineItemModel,
  DealModel,
  DealStageChangeModel,
  PipelineModel,
  ProductModel,
  StageModel,
  QuotaModel,
} from './__generated__/prisma/models.ts';
import type { Page } from '@crm/db/list-query';
import type { ForecastLine } from './modules/forecasting/lib/forecast-rules.ts';

export type PipelineMapper = PipelineModel;
export type StageMapper = StageModel;
export type DealMapper = DealModel;
export type ActivityMapper = ActivityModel;
export type DealStageChangeMapper = DealStageChangeModel;
export type PipelineBoardEventMapper = BoardChangeModel;
export type ProductMapper = ProductModel;
/** A deal's line, with the deal's currency its amounts are in and whether they are masked for the caller. */
export type DealLineItemMapper = DealLineItemModel & { currency: string; masked?: boolean };
export type DealContactMapper = DealContactModel;
/** A page of `dealsConnection`, its total counted only when asked for. */
export type DealConnectionMapper = Page<DealModel>;
export type QuotaMapper = QuotaModel;
/** A deal as a forecast figure counted it (see forecast-rules.ts). */
export type ForecastDealMapper = ForecastLine;

/** Reference to a user of the platform subgraph. */
export interface UserReference {
  __typename: 'User';
  id: string;
}
export type UserMapper = UserReference;

/** Reference to an account of the customer subgraph. */
export interface AccountReference {
  __typename: 'Account';
  id: string;
}
export type AccountMapper = AccountReference;

/** Reference to a contact of the customer subgraph. */
export interface ContactReference {
  __typename: 'Contact';
  id: string;
}
export type ContactMapper = ContactReference;
