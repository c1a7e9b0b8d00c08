/**
 * Every GraphQL operation the app sends. They are compiled by `pnpm generate` into typed,
 * persisted documents (`./gql`), so the app only ever runs operations known at build time.
 */
import { graphql } from './gql';

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
    deals(pipelineId: $pipelineId, first: 500) {
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

export const ActivityItemFragment = graphql(`
  fragment ActivityItem on Activity {
    id
    type
    subject
    body
    dueAt
    completedAt
    isOverdue
    version
    createdAt
    assignee {
      id
      name
    }
  }
`);

export const DealLineFragment = graphql(`
  fragment DealLine on DealLineItem {
    id
    position
    description
    quantity
    unitPrice
    discountRateBps
    discountAmount
    taxRateBps
    subtotal
    discount
    tax
    total
    product {
      id
      name
      sku
    }
  }
`);

export const DealPageFragment = graphql(`
  fragment DealPage on Deal {
    id
    name
    amount
    currency
    version
    status
    closeReason
    closedAt
    expectedCloseDate
    isStale
    warnings
    stageEnteredAt
    createdAt
    updatedAt
    stage {
      id
      name
      kind
    }
    pipeline {
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
    collaborators {
      id
      name
    }
    contacts {
      role
      isPrimary
      contact {
        id
        name
        email
      }
    }
    lineItems {
      ...DealLine
    }
  }
`);

export const DealQuery = graphql(`
  query Deal($id: ID!) {
    deal(id: $id) {
      ...DealPage
      stageHistory(first: 50) {
        changedAt
        secondsInFromStage
        fromStage {
          id
          name
        }
        toStage {
          id
          name
        }
        changedBy {
          id
          name
        }
      }
      activities(first: 100) {
        ...ActivityItem
      }
    }
  }
`);

/** Changes deal fields, refused with CONFLICT (and `extensions.current`) when the deal changed since `expectedVersion`. */
export const UpdateDealMutation = graphql(`
  mutation UpdateDeal($id: ID!, $input: UpdateDealInput!, $expectedVersion: Int) {
    updateDeal(id: $id, input: $input, expectedVersion: $expectedVersion) {
      ...DealPage
    }
  }
`);

export const SetDealLineItemsMutation = graphql(`
  mutation SetDealLineItems($dealId: ID!, $expectedVersion: Int!, $items: [DealLineItemInput!]!) {
    setDealLineItems(dealId: $dealId, expectedVersion: $expectedVersion, items: $items) {
      ...DealPage
    }
  }
`);

export const AddDealCollaboratorMutation = graphql(`
  mutation AddDealCollaborator($dealId: ID!, $userId: ID!) {
    addDealCollaborator(dealId: $dealId, userId: $userId) {
      ...DealPage
    }
  }
`);

export const RemoveDealCollaboratorMutation = graphql(`
  mutation RemoveDealCollaborator($dealId: ID!, $userId: ID!) {
    removeDealCollaborator(dealId: $dealId, userId: $userId) {
      ...DealPage
    }
  }
`);

export const AddDealContactMutation = graphql(`
  mutation AddDealContact($dealId: ID!, $contactId: ID!, $role: String, $isPrimary: Boolean) {
    addDealContact(dealId: $dealId, contactId: $contactId, role: $role, isPrimary: $isPrimary) {
      ...DealPage
    }
  }
`);

export const RemoveDealContactMutation = graphql(`
  mutation RemoveDealContact($dealId: ID!, $contactId: ID!) {
    removeDealContact(dealId: $dealId, contactId: $contactId) {
      ...DealPage
    }
  }
`);

export const ContactOptionsQuery = graphql(`
  query ContactOptions {
    contactsConnection(first: 100, orderBy: [{ field: LAST_NAME, direction: ASC }, { field: FIRST_NAME, direction: ASC }]) {
      nodes {
        id
        name
        email
      }
    }
  }
`);

export const UserOptionsQuery = graphql(`
  query UserOptions {
    users(first: 100) {
      id
      name
      active
    }
  }
`);

export const ProductRowFragment = graphql(`
  fragment ProductRow on Product {
    id
    name
    sku
    unitPrice
    currency
    taxRateBps
    active
  }
`);

export const ProductsQuery = graphql(`
  query Products($first: Int, $after: String) {
    products(first: $first, after: $after) {
      nodes {
        ...ProductRow
      }
      pageInfo {
        hasNextPage
        endCursor
      }
    }
  }
`);

export const CreateProductMutation = graphql(`
  mutation CreateProduct($input: CreateProductInput!) {
    createProduct(input: $input) {
      ...ProductRow
    }
  }
`);

export const CreateActivityMutation = graphql(`
  mutation CreateActivity($input: CreateActivityInput!) {
    createActivity(input: $input) {
      ...ActivityItem
    }
  }
`);

export const CompleteActivityMutation = graphql(`
  mutation CompleteActivity($id: ID!, $expectedVersion: Int) {
    completeActivity(id: $id, expectedVersion: $expectedVersion) {
      ...ActivityItem
    }
  }
`);

/**
 * Deals of a pipeline with their activities: the source of the signed-in user's task list. Sized
 * to stay within the gateway's cost budget (100 deals, as on the board, × 25 activities).
 */
export const PipelineActivitiesQuery = graphql(`
  query PipelineActivities($pipelineId: ID!) {
    deals(pipelineId: $pipelineId, first: 100) {
      id
      name
      activities(first: 25) {
        ...ActivityItem
      }
    }
  }
`);

export const PipelineSummaryQuery = graphql(`
  query PipelineSummary($pipelineId: ID!) {
    pipelineSummary(pipelineId: $pipelineId) {
      pipelineId
      dealCount
      updatedAt
      amounts {
        currency
        amount
      }
      stages {
        dealCount
        amounts {
          currency
          amount
        }
        stage {
          id
          name
          position
          probability
          kind
        }
      }
    }
  }
`);

export const SettingsUserFragment = graphql(`
  fragment SettingsUser on User {
    id
    name
    email
    role
    active
    team {
      id
      name
    }
    customRoles {
      id
      name
    }
  }
`);

export const UsersAndTeamsQuery = graphql(`
  query UsersAndTeams {
    users(first: 100) {
      ...SettingsUser
    }
    teams {
      id
      name
      manager {
        id
        name
      }
      members {
        id
      }
    }
    invitations {
      id
      email
      name
      role
      expiresAt
      team {
        id
        name
      }
    }
  }
`);

export const InviteUserMutation = graphql(`
  mutation InviteUser($input: InviteUserInput!) {
    inviteUser(input: $input) {
      id
      email
      name
      role
      expiresAt
    }
  }
`);

export const AcceptInvitationMutation = graphql(`
  mutation AcceptInvitation($token: String!, $password: String!) {
    acceptInvitation(token: $token, password: $password) {
      user {
        id
        email
        tenant {
          id
          name
        }
      }
    }
  }
`);

export const DeactivateUserMutation = graphql(`
  mutation DeactivateUser($id: ID!) {
    deactivateUser(id: $id) {
      ...SettingsUser
    }
  }
`);

export const ReactivateUserMutation = graphql(`
  mutation ReactivateUser($id: ID!) {
    reactivateUser(id: $id) {
      ...SettingsUser
    }
  }
`);

export const CreateTeamMutation = graphql(`
  mutation CreateTeam($input: CreateTeamInput!) {
    createTeam(input: $input) {
      id
      name
    }
  }
`);

export const AssignUserToTeamMutation = graphql(`
  mutation AssignUserToTeam($userId: ID!, $teamId: ID) {
    assignUserToTeam(userId: $userId, teamId: $teamId) {
      ...SettingsUser
    }
  }
`);

export const ApiKeyRowFragment = graphql(`
  fragment ApiKeyRow on ApiKey {
    id
    name
    role
    prefix
    createdAt
    expiresAt
    revokedAt
    lastUsedAt
    active
    persistedOnly
  }
`);

export const ApiKeysQuery = graphql(`
  query ApiKeys {
    apiKeys {
      ...ApiKeyRow
    }
  }
`);

export const CreateApiKeyMutation = graphql(`
  mutation CreateApiKey($input: CreateApiKeyInput!) {
    createApiKey(input: $input) {
      key
      apiKey {
        ...ApiKeyRow
      }
    }
  }
`);

export const RevokeApiKeyMutation = graphql(`
  mutation RevokeApiKey($id: ID!) {
    revokeApiKey(id: $id) {
      ...ApiKeyRow
    }
  }
`);

export const WebhookEndpointsQuery = graphql(`
  query WebhookEndpoints {
    webhookEndpoints(first: 100) {
      id
      url
      description
      events
      active
      secretHint
      createdAt
    }
  }
`);

export const RegisterWebhookEndpointMutation = graphql(`
  mutation RegisterWebhookEndpoint($input: RegisterWebhookEndpointInput!) {
    registerWebhookEndpoint(input: $input) {
      secret
      endpoint {
        id
        url
      }
    }
  }
`);

export const DeleteWebhookEndpointMutation = graphql(`
  mutation DeleteWebhookEndpoint($id: ID!) {
    deleteWebhookEndpoint(id: $id)
  }
`);

export const CustomFieldRowFragment = graphql(`
  fragment CustomFieldRow on CustomFieldDefinition {
    id
    entity
    key
    label
    type
    required
    options
    archivedAt
  }
`);

export const CustomFieldDefinitionsQuery = graphql(`
  query CustomFieldDefinitions($entity: CustomFieldEntity!) {
    customFieldDefinitions(entity: $entity, includeArchived: true) {
      ...CustomFieldRow
    }
  }
`);

export const CreateCustomFieldDefinitionMutation = graphql(`
  mutation CreateCustomFieldDefinition($input: CreateCustomFieldDefinitionInput!) {
    createCustomFieldDefinition(input: $input) {
      ...CustomFieldRow
    }
  }
`);

export const ArchiveCustomFieldDefinitionMutation = graphql(`
  mutation ArchiveCustomFieldDefinition($id: ID!) {
    archiveCustomFieldDefinition(id: $id) {
      ...CustomFieldRow
    }
  }
`);

export const PersistedQueriesQuery = graphql(`
  query PersistedQueries {
    persistedQueries(first: 100) {
      edges {
        node {
          id
          name
          operationName
          paginates
          sha256
          createdAt
        }
      }
    }
  }
`);

export const RegisterPersistedQueryMutation = graphql(`
  mutation RegisterPersistedQuery($input: RegisterPersistedQueryInput!) {
    registerPersistedQuery(input: $input) {
      id
      name
    }
  }
`);

export const DeletePersistedQueryMutation = graphql(`
  mutation DeletePersistedQuery($id: ID!) {
    deletePersistedQuery(id: $id)
  }
`);

export const NotificationItemFragment = graphql(`
  fragment NotificationItem on Notification {
    id
    kind
    title
    body
    recordType
    recordId
    read
    createdAt
  }
`);

export const NotificationsQuery = graphql(`
  query Notifications {
    unreadNotificationCount
    notifications(first: 15) {
      edges {
        node {
          ...NotificationItem
        }
      }
    }
  }
`);

export const NotificationReceivedSubscription = graphql(`
  subscription NotificationReceived {
    notificationReceived {
      ...NotificationItem
    }
  }
`);

export const MarkNotificationsReadMutation = graphql(`
  mutation MarkNotificationsRead($ids: [ID!]!) {
    markNotificationsRead(ids: $ids) {
      id
      read
    }
  }
`);

export const MarkAllNotificationsReadMutation = graphql(`
  mutation MarkAllNotificationsRead {
    markAllNotificationsRead
  }
`);

export const LeadConversionMatchesQuery = graphql(`
  query LeadConversionMatches($email: String!, $company: String!) {
    contactsConnection(first: 5, filter: { email: { eq: $email } }) {
      nodes {
        id
        name
        email
      }
    }
    accountsConnection(first: 5, filter: { name: { contains: $company } }, orderBy: [{ field: NAME, direction: ASC }]) {
      nodes {
        id
        name
        domain
      }
    }
  }
`);

export const LeadConversionFragment = graphql(`
  fragment LeadConversionState on LeadConversion {
    id
    status
    failureReason
    contactCreated
    accountCreated
    contact {
      id
      name
    }
    account {
      id
      name
    }
    deal {
      id
      name
    }
    lead {
      id
      status
    }
  }
`);

export const ConvertLeadMutation = graphql(`
  mutation ConvertLead($id: ID!, $input: ConvertLeadInput!) {
    convertLead(id: $id, input: $input) {
      ...LeadConversionState
    }
  }
`);

export const LeadConversionQuery = graphql(`
  query LeadConversion($id: ID!) {
    leadConversion(id: $id) {
      ...LeadConversionState
    }
  }
`);

export const TimelineEntryFragment = graphql(`
  fragment TimelineItem on TimelineEntry {
    id
    kind
    action
    occurredAt
    changes
    actor {
      id
      name
    }
    activity {
      id
      type
      subject
    }
  }
`);

export const TimelinePageFragment = graphql(`
  fragment TimelinePage on TimelineConnection {
    edges {
      cursor
      node {
        ...TimelineItem
      }
    }
    pageInfo {
      hasNextPage
      endCursor
    }
  }
`);

export const DealTimelineQuery = graphql(`
  query DealTimeline($id: ID!, $after: String) {
    deal(id: $id) {
      id
      timeline(first: 20, after: $after) {
        ...TimelinePage
      }
    }
  }
`);

export const ContactTimelineQuery = graphql(`
  query ContactTimeline($id: ID!, $after: String) {
    contact(id: $id) {
      id
      timeline(first: 20, after: $after) {
        ...TimelinePage
      }
    }
  }
`);

export const AccountTimelineQuery = graphql(`
  query AccountTimeline($id: ID!, $after: String) {
    account(id: $id) {
      id
      timeline(first: 20, after: $after) {
        ...TimelinePage
      }
    }
  }
`);

export const LeadTimelineQuery = graphql(`
  query LeadTimeline($id: ID!, $after: String) {
    lead(id: $id) {
      id
      timeline(first: 20, after: $after) {
        ...TimelinePage
      }
    }
  }
`);

export const ImportJobFieldsFragment = graphql(`
  fragment ImportJobFields on ImportJob {
    id
    entity
    status
    fileName
    columns
    delimiter
    dedupPolicy
    totalRows
    processedRows
    createdCount
    updatedCount
    skippedCount
    failedCount
    failure
    errorReportUrl
    createdAt
    startedAt
    finishedAt
    undoneAt
    mapping {
      column
      field
    }
  }
`);

export const ImportPreviewFragment = graphql(`
  fragment ImportPreview on ImportJob {
    id
    preview(first: 10) {
      rowNumber
      fields {
        field
        value
      }
      error {
        column
        reason
      }
    }
  }
`);

export const ImportJobQuery = graphql(`
  query ImportJob($id: ID!) {
    importJob(id: $id) {
      ...ImportJobFields
      ...ImportPreview
      errors(first: 20) {
        rowNumber
        column
        reason
      }
    }
  }
`);

export const ImportJobsQuery = graphql(`
  query ImportJobs {
    importJobs(first: 20) {
      edges {
        node {
          id
          entity
          status
          fileName
          totalRows
          processedRows
          createdCount
          updatedCount
          skippedCount
          failedCount
          createdAt
          finishedAt
        }
      }
    }
  }
`);

export const ImportMappingsQuery = graphql(`
  query ImportMappings($entity: ImportEntity!) {
    importMappings(entity: $entity) {
      id
      name
      mapping {
        column
        field
      }
      updatedAt
    }
  }
`);

export const ConfigureImportMutation = graphql(`
  mutation ConfigureImport($id: ID!, $input: ConfigureImportInput!) {
    configureImport(id: $id, input: $input) {
      ...ImportJobFields
      ...ImportPreview
    }
  }
`);

export const StartImportMutation = graphql(`
  mutation StartImport($id: ID!) {
    startImport(id: $id) {
      ...ImportJobFields
    }
  }
`);

export const UndoImportMutation = graphql(`
  mutation UndoImport($id: ID!) {
    undoImport(id: $id) {
      ...ImportJobFields
    }
  }
`);

export const SaveImportMappingMutation = graphql(`
  mutation SaveImportMapping($input: SaveImportMappingInput!) {
    saveImportMapping(input: $input) {
      id
      name
      mapping {
        column
        field
      }
      updatedAt
    }
  }
`);

export const DeleteImportMappingMutation = graphql(`
  mutation DeleteImportMapping($id: ID!) {
    deleteImportMapping(id: $id)
  }
`);

export const ImportProgressSubscription = graphql(`
  subscription ImportProgress($id: ID!) {
    importProgress(id: $id) {
      id
      status
      totalRows
      processedRows
      createdCount
      updatedCount
      skippedCount
      failedCount
      failure
    }
  }
`);

export const BulkUpsertContactsMutation = graphql(`
  mutation BulkUpsertContacts($inputs: [UpsertContactInput!]!) {
    upsertContacts(inputs: $inputs) {
      index
      outcome
      error {
        code
        message
        field
      }
      contact {
        ...ContactRow
      }
    }
  }
`);

export const BulkUpsertAccountsMutation = graphql(`
  mutation BulkUpsertAccounts($inputs: [UpsertAccountInput!]!) {
    upsertAccounts(inputs: $inputs) {
      index
      outcome
      error {
        code
        message
        field
      }
      account {
        ...AccountRow
      }
    }
  }
`);

export const DeleteContactsMutation = graphql(`
  mutation DeleteContacts($ids: [ID!]!) {
    deleteContacts(ids: $ids) {
      id
    }
  }
`);

export const RestoreContactsMutation = graphql(`
  mutation RestoreContacts($ids: [ID!]!) {
    restoreContacts(ids: $ids) {
      id
    }
  }
`);

export const DeleteAccountsMutation = graphql(`
  mutation DeleteAccounts($ids: [ID!]!) {
    deleteAccounts(ids: $ids) {
      id
    }
  }
`);

export const RestoreAccountsMutation = graphql(`
  mutation RestoreAccounts($ids: [ID!]!) {
    restoreAccounts(ids: $ids) {
      id
    }
  }
`);

export const DeleteLeadsMutation = graphql(`
  mutation DeleteLeads($ids: [ID!]!) {
    deleteLeads(ids: $ids) {
      id
    }
  }
`);

export const RestoreLeadsMutation = graphql(`
  mutation RestoreLeads($ids: [ID!]!) {
    restoreLeads(ids: $ids) {
      id
    }
  }
`);

/** Currencies the caller's deals are in, largest group first: the dashboard charts the first. */
export const DashboardCurrenciesQuery = graphql(`
  query DashboardCurrencies {
    dealsGroupBy(field: CURRENCY) {
      key
      count
    }
  }
`);

export const DashboardForecastFigureFragment = graphql(`
  fragment DashboardForecastFigure on ForecastFigure {
    amount
    deals {
      dealId
      amount
      deal {
        id
        name
      }
    }
  }
`);

/** Forecast vs quota per owner for one period (the dashboard asks for the current quarter). */
export const DashboardForecastQuery = graphql(`
  query DashboardForecast($period: ForecastPeriodInput!, $currency: String!) {
    forecast(period: $period, groupBy: OWNER, currency: $currency) {
      currency
      period {
        kind
        year
        index
        startsOn
        endsOn
      }
      groups {
        owner {
          id
          name
        }
        quota {
          id
          amount
          currency
        }
        attainmentPercent
        otherCurrencyDeals
        closedWon {
          ...DashboardForecastFigure
        }
        commit {
          ...DashboardForecastFigure
        }
        bestCase {
          ...DashboardForecastFigure
        }
        pipeline {
          ...DashboardForecastFigure
        }
      }
    }
  }
`);

/** Won and lost deals per month of their expected close date: the win rate over time. */
export const DashboardWinRateQuery = graphql(`
  query DashboardWinRate($won: DealFilter!, $lost: DealFilter!) {
    won: dealsGroupBy(field: CLOSE_MONTH, filter: $won) {
      key
      count
    }
    lost: dealsGroupBy(field: CLOSE_MONTH, filter: $lost) {
      key
      count
    }
  }
`);

export const SavedViewFieldsFragment = graphql(`
  fragment SavedViewFields on SavedView {
    id
    name
    filter
    orderBy
    columns
    shared
    isDefault
    editable
  }
`);

export const SavedViewsQuery = graphql(`
  query SavedViews($list: SavedViewList!) {
    savedViews(list: $list) {
      ...SavedViewFields
    }
  }
`);

export const CreateSavedViewMutation = graphql(`
  mutation CreateSavedView($input: CreateSavedViewInput!) {
    createSavedView(input: $input) {
      ...SavedViewFields
    }
  }
`);

export const UpdateSavedViewMutation = graphql(`
  mutation UpdateSavedView($id: ID!, $input: UpdateSavedViewInput!) {
    updateSavedView(id: $id, input: $input) {
      ...SavedViewFields
    }
  }
`);

export const DeleteSavedViewMutation = graphql(`
  mutation DeleteSavedView($id: ID!) {
    deleteSavedView(id: $id)
  }
`);

export const QuotaRowFragment = graphql(`
  fragment QuotaRow on Quota {
    id
    owner {
      id
      name
    }
    teamId
    amount
    currency
    updatedAt
  }
`);

export const QuotasQuery = graphql(`
  query Quotas($period: ForecastPeriodInput!) {
    quotas(period: $period) {
      ...QuotaRow
    }
  }
`);

export const QuotaTargetsQuery = graphql(`
  query QuotaTargets {
    users(first: 100) {
      id
      name
      active
    }
    teams {
      id
      name
    }
  }
`);

export const SetQuotaMutation = graphql(`
  mutation SetQuota($ownerId: ID, $teamId: ID, $period: ForecastPeriodInput!, $amount: Decimal!, $currency: String!) {
    setQuota(ownerId: $ownerId, teamId: $teamId, period: $period, amount: $amount, currency: $currency) {
      ...QuotaRow
    }
  }
`);

export const RoleRowFragment = graphql(`
  fragment RoleRow on RoleDefinition {
    id
    name
    description
    builtIn
    grants {
      permission
      scope
    }
    users {
      id
      name
    }
  }
`);

export const RolesQuery = graphql(`
  query Roles {
    roles {
      ...RoleRow
    }
  }
`);

export const CreateRoleMutation = graphql(`
  mutation CreateRole($input: CreateRoleInput!) {
    createRole(input: $input) {
      ...RoleRow
    }
  }
`);

export const UpdateRoleMutation = graphql(`
  mutation UpdateRole($id: ID!, $input: UpdateRoleInput!) {
    updateRole(id: $id, input: $input) {
      ...RoleRow
    }
  }
`);

export const DeleteRoleMutation = graphql(`
  mutation DeleteRole($id: ID!) {
    deleteRole(id: $id)
  }
`);

export const SetUserRolesMutation = graphql(`
  mutation SetUserRoles($userId: ID!, $role: Role, $customRoleIds: [ID!]) {
    setUserRoles(userId: $userId, role: $role, customRoleIds: $customRoleIds) {
      ...SettingsUser
    }
  }
`);
