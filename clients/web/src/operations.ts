/**
 * Every GraphQL operation the app sends. They are compiled by `pnpm generate` into typed,
 * persisted documents (`./gql`), so the app only ever runs operations known at build time.
 */
import { graphql } from './gql';

export const LoginMutation = graphql(`
  mutation Login($email: String!, $password: String!, $tenantSlug: String) {
    login(email: $email, password: $password, tenantSlug: $tenantSlug) {
      accessToken
      tokenType
      expiresIn
      user {
        id
        name
        email
        role
      }
    }
  }
`);

export const PipelinesQuery = graphql(`
  query Pipelines {
    pipelines {
      id
      name
      stages {
        id
        name
        position
        probability
      }
    }
  }
`);

export const BoardDealFragment = graphql(`
  fragment BoardDeal on Deal {
    id
    name
    amount
    currency
    stage {
      id
      name
    }
    account {
      id
      name
    }
    owner {
      id
      name
    }
  }
`);

export const BoardDealsQuery = graphql(`
  query BoardDeals($pipelineId: ID!) {
    deals(pipelineId: $pipelineId, first: 100) {
      ...BoardDeal
    }
  }
`);

export const PipelineBoardSubscription = graphql(`
  subscription PipelineBoard($pipelineId: ID!) {
    pipelineBoard(pipelineId: $pipelineId) {
      type
      sequence
      dealId
      toStageId
      deal {
        ...BoardDeal
      }
    }
  }
`);

/** Selects `__typename` so an optimistic response can name the deal and stage it changes. */
export const MoveDealMutation = graphql(`
  mutation MoveDeal($id: ID!, $stageId: ID!) {
    moveDeal(id: $id, stageId: $stageId) {
      __typename
      id
      stage {
        __typename
        id
        name
      }
    }
  }
`);
