/**
 * Seeding through the product's own paths: tenants and users through the platform services
 * (there is no public sign-up yet), everything else through the public GraphQL API at the
 * gateway, so seeded data goes through the same validation, tenancy and events as a user's.
 */
import type { Stack } from './stack.ts';

export type Role = 'SYSTEM_ADMIN' | 'TENANT_ADMIN' | 'SALES_MANAGER' | 'SALES_REP';

export interface SeedUserInput {
  email: string;
  name: string;
  role: Role;
  password: string;
}

export interface SeededUser {
  id: string;
  email: string;
  name: string;
  role: Role;
  password: string;
  token: string;
}

async function post<T>(url: string, query: string, variables: Record<string, unknown>, token?: string): Promise<T> {
  const response = await fetch(url, {
    method: 'POST',
    headers: { 'content-type': 'application/json', ...(token ? { authorization: `Bearer ${token}` } : {}) },
    body: JSON.stringify({ query, variables }),
  });
  const body = (await response.json()) as { data?: T; errors?: unknown[] };
  if (body.errors?.length || !body.data) throw new Error(`seed request failed: ${JSON.stringify(body.errors)}`);
  return body.data;
}

export async function login(gatewayUrl: string, email: string, password: string, tenantSlug?: string): Promise<string> {
  const data = await post<{ login: { accessToken: string } }>(
    gatewayUrl,
    'mutation Login($email: String!, $password: String!, $tenantSlug: String) { login(email: $email, password: $password, tenantSlug: $tenantSlug) { accessToken } }',
    { email, password, tenantSlug },
  );
  return data.login.accessToken;
}

export async function createTenantWithUsers(
  stack: Stack,
  tenant: { name: string; slug: string },
  users: SeedUserInput[],
): Promise<{ tenantId: string; slug: string; users: SeededUser[] }> {
  const services = stack.subgraphs.platform.subgraph.services;
  const created = await services.tenants.create({ name: tenant.name, slug: tenant.slug });
  const seeded: SeededUser[] = [];
  for (const user of users) {
    const row = await services.users.create(created.id, user);
    const token = await login(stack.gatewayUrl, user.email, user.password, tenant.slug);
    seeded.push({ id: row.id, email: user.email, name: user.name, role: user.role, password: user.password, token });
  }
  return { tenantId: created.id, slug: tenant.slug, users: seeded };
}

export interface SeededPipeline {
  id: string;
  name: string;
  stages: Array<{ id: string; name: string; position: number; probability: number }>;
}

export interface StageSeed {
  name: string;
  probability: number;
  kind?: 'OPEN' | 'WON' | 'LOST';
  rottingDays?: number;
}

export async function createPipeline(
  gatewayUrl: string,
  token: string,
  name: string,
  stages: StageSeed[],
): Promise<SeededPipeline> {
  const data = await post<{ createPipeline: SeededPipeline }>(
    gatewayUrl,
    'mutation($input: CreatePipelineInput!) { createPipeline(input: $input) { id name stages { id name position probability } } }',
    { input: { name, stages } },
    token,
  );
  return data.createPipeline;
}

export async function createAccount(gatewayUrl: string, token: string, input: { name: string; domain?: string; industry?: string; ownerId?: string }) {
  const data = await post<{ createAccount: { id: string; name: string } }>(
    gatewayUrl,
    'mutation($input: CreateAccountInput!) { createAccount(input: $input) { id name } }',
    { input },
    token,
  );
  return data.createAccount;
}

/** A team led by `managerId` with `memberIds` in it: the manager then sees their records (team scope). */
export async function createTeam(gatewayUrl: string, token: string, input: { name: string; managerId: string; memberIds: string[] }) {
  const { createTeam: team } = await post<{ createTeam: { id: string } }>(
    gatewayUrl,
    'mutation($input: CreateTeamInput!) { createTeam(input: $input) { id } }',
    { input: { name: input.name, managerId: input.managerId } },
    token,
  );
  for (const userId of input.memberIds) {
    await post(gatewayUrl, 'mutation($userId: ID!, $teamId: ID) { assignUserToTeam(userId: $userId, teamId: $teamId) { id } }', { userId, teamId: team.id }, token);
  }
  return team;
}

export interface DealInput {
  pipelineId: string;
  stageId?: string;
  name: string;
  amount: string;
  currency: string;
  ownerId?: string;
  accountId?: string;
}

export async function createDeal(gatewayUrl: string, token: string, input: DealInput) {
  const data = await post<{ createDeal: { id: string; name: string; version: number } }>(
    gatewayUrl,
    'mutation($input: CreateDealInput!) { createDeal(input: $input) { id name version } }',
    { input },
    token,
  );
  return data.createDeal;
}

export async function moveDeal(gatewayUrl: string, token: string, id: string, stageId: string) {
  const data = await post<{ moveDeal: { id: string; stage: { id: string; name: string } } }>(
    gatewayUrl,
    'mutation($id: ID!, $stageId: ID!) { moveDeal(id: $id, stageId: $stageId) { id stage { id name } } }',
    { id, stageId },
    token,
  );
  return data.moveDeal;
}

/** A typical B2B sales pipeline: four open stages, then won and lost. */
export const STANDARD_STAGES: StageSeed[] = [
  { name: 'Qualification', probability: 10, rottingDays: 14 },
  { name: 'Discovery', probability: 25, rottingDays: 21 },
  { name: 'Proposal', probability: 50, rottingDays: 21 },
  { name: 'Negotiation', probability: 75, rottingDays: 30 },
  { name: 'Closed Won', probability: 100, kind: 'WON' },
  { name: 'Closed Lost', probability: 0, kind: 'LOST' },
];
