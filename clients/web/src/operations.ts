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
        rottingDays
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
    version
    status
    isStale
    stageEnteredAt
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

/**
 * Moves a deal, refusing with CONFLICT (and the deal's current values in `extensions.current`)
 * when someone moved it meanwhile. Selects `__typename` so an optimistic response can name the
 * deal and stage it changes.
 */
export const MoveDealMutation = graphql(`
  mutation MoveDeal($id: ID!, $stageId: ID!, $expectedStageId: ID) {
    moveDeal(id: $id, stageId: $stageId, expectedStageId: $expectedStageId) {
      __typename
      id
      version
      isStale
      stageEnteredAt
      stage {
        __typename
        id
        name
      }
    }
  }
`);

export const CreateDealMutation = graphql(`
  mutation CreateDeal($input: CreateDealInput!) {
    createDeal(input: $input) {
      ...BoardDeal
    }
  }
`);

export const AccountOptionsQuery = graphql(`
  query AccountOptions {
    accountsConnection(first: 100, orderBy: [{ field: NAME, direction: ASC }]) {
      nodes {
        id
        name
      }
    }
  }
`);

export const ContactRowFragment = graphql(`
  fragment ContactRow on Contact {
    id
    name
    firstName
    lastName
    email
    phone
    lifecycleStage
    tags
    owner {
      id
      name
    }
    accounts {
      id
      name
    }
    createdAt
  }
`);

export const ContactsQuery = graphql(`
  query Contacts($first: Int, $after: String, $last: Int, $before: String, $filter: ContactFilter, $orderBy: [ContactOrder!]) {
    contactsConnection(first: $first, after: $after, last: $last, before: $before, filter: $filter, orderBy: $orderBy) {
      totalCount
      pageInfo {
        hasNextPage
        hasPreviousPage
        startCursor
        endCursor
      }
      nodes {
        ...ContactRow
      }
    }
  }
`);

export const ContactQuery = graphql(`
  query Contact($id: ID!) {
    contact(id: $id) {
      ...ContactRow
      updatedAt
      deletedAt
      accounts {
        id
        name
        domain
        industry
      }
      relationships {
        kind
        outgoing
        contact {
          id
          name
        }
      }
    }
  }
`);

export const CreateContactMutation = graphql(`
  mutation CreateContact($input: CreateContactInput!) {
    createContact(input: $input) {
      ...ContactRow
    }
  }
`);

export const UpdateContactMutation = graphql(`
  mutation UpdateContact($input: UpsertContactInput!) {
    upsertContacts(inputs: [$input]) {
      outcome
      error {
        code
        message
        field
      }
      contact {
        ...ContactRow
        updatedAt
      }
    }
  }
`);

export const AccountRowFragment = graphql(`
  fragment AccountRow on Account {
    id
    name
    domain
    industry
    employees
    owner {
      id
      name
    }
    createdAt
  }
`);

export const AccountsQuery = graphql(`
  query Accounts($first: Int, $after: String, $last: Int, $before: String, $filter: AccountFilter, $orderBy: [AccountOrder!]) {
    accountsConnection(first: $first, after: $after, last: $last, before: $before, filter: $filter, orderBy: $orderBy) {
      totalCount
      pageInfo {
        hasNextPage
        hasPreviousPage
        startCursor
        endCursor
      }
      nodes {
        ...AccountRow
      }
    }
  }
`);

export const AccountQuery = graphql(`
  query Account($id: ID!) {
    account(id: $id) {
      ...AccountRow
      updatedAt
      deletedAt
      parent {
        id
        name
      }
      children {
        id
        name
      }
      contacts {
        id
        name
        email
      }
      deals(first: 50) {
        id
        name
        amount
        currency
        status
        stage {
          id
          name
        }
      }
    }
  }
`);

export const CreateAccountMutation = graphql(`
  mutation CreateAccount($input: CreateAccountInput!) {
    createAccount(input: $input) {
      ...AccountRow
    }
  }
`);

export const UpdateAccountMutation = graphql(`
  mutation UpdateAccount($input: UpsertAccountInput!) {
    upsertAccounts(inputs: [$input]) {
      outcome
      error {
        code
        message
        field
      }
      account {
        ...AccountRow
        updatedAt
      }
    }
  }
`);

export const LeadRowFragment = graphql(`
  fragment LeadRow on Lead {
    id
    name
    email
    company
    source
    status
    score
    owner {
      id
      name
    }
    createdAt
  }
`);

export const LeadsQuery = graphql(`
  query Leads($first: Int, $after: String, $last: Int, $before: String, $filter: LeadFilter, $orderBy: [LeadOrder!]) {
    leadsConnection(first: $first, after: $after, last: $last, before: $before, filter: $filter, orderBy: $orderBy) {
      totalCount
      pageInfo {
        hasNextPage
        hasPreviousPage
        startCursor
        endCursor
      }
      nodes {
        ...LeadRow
      }
    }
  }
`);

export const LeadQuery = graphql(`
  query Lead($id: ID!) {
    lead(id: $id) {
      ...LeadRow
      deletedAt
    }
  }
`);

export const CreateLeadMutation = graphql(`
  mutation CreateLead($input: CreateLeadInput!) {
    createLead(input: $input) {
      ...LeadRow
    }
  }
`);
