/**
 * Activities end to end through the gateway: a task on a deal assigned to a colleague (resolved
 * by the platform subgraph), a note on an account (customer subgraph), completion with optimistic
 * concurrency, and tenant isolation.
 */
import { afterAll, beforeAll, describe, expect, it } from 'vitest';
import type { Stack } from '@crm/stack';
import { gql, gqlOk, startRealStack } from '@crm/testkit';
import { seedSalesTenant, type SalesTenant } from './fixtures.ts';

let stack: Stack;
let acme: SalesTenant;
let globex: SalesTenant;

beforeAll(async () => {
  stack = await startRealStack();
  [acme, globex] = [await seedSalesTenant(stack, 'activities-acme', 2), await seedSalesTenant(stack, 'activities-globex', 0)];
});
afterAll(async () => {
  await stack?.stop();
});

const CREATE = `mutation Create($input: CreateActivityInput!) {
  createActivity(input: $input) { id type subject isOverdue assignee { name } createdBy { name } deal { name account { name } } version } }`;

describe('activities', () => {
  it('puts a task on a deal for a colleague, completes it once, and shows it on the deal', async () => {
    // the rep's own deal (the odd ones are theirs), so the rep reads it and the task on it
    const deal = acme.deals[1]!;
    const created = await gqlOk<{ createActivity: { id: string; isOverdue: boolean; assignee: { name: string }; createdBy: { name: string }; deal: { name: string; account: { name: string } } } }>(
      stack.gatewayUrl,
      CREATE,
      { input: { type: 'TASK', subject: 'Send the proposal', recordType: 'DEAL', recordId: deal.id, dueAt: '2099-01-01T09:00:00.000Z', assigneeId: acme.rep.id } },
      { token: acme.admin.token },
    );
    expect(created.createActivity).toMatchObject({
      isOverdue: false,
      assignee: { name: acme.rep.name },
      createdBy: { name: acme.admin.name },
      deal: { name: deal.name, account: { name: acme.accounts[1]!.name } },
    });

    const complete = 'mutation ($id: ID!, $v: Int) { completeActivity(id: $id, expectedVersion: $v) { completedAt version } }';
    const [a, b] = await Promise.all([
      gql<{ completeActivity: { version: number } }>(stack.gatewayUrl, complete, { id: created.createActivity.id, v: 1 }, { token: acme.rep.token }),
      gql<{ completeActivity: { version: number } }>(stack.gatewayUrl, complete, { id: created.createActivity.id, v: 1 }, { token: acme.admin.token }),
    ]);
    const outcomes = [a, b].map((r) => r.errors?.[0]?.extensions?.code ?? 'OK').sort();
    expect(outcomes).toEqual(['CONFLICT', 'OK']);

    const onDeal = await gqlOk<{ deal: { activities: Array<{ subject: string; completedAt: string | null }> } }>(
      stack.gatewayUrl,
      'query ($id: ID!) { deal(id: $id) { activities { subject completedAt } } }',
      { id: deal.id },
      { token: acme.rep.token },
    );
    expect(onDeal.deal.activities).toHaveLength(1);
    expect(onDeal.deal.activities[0]!.subject).toBe('Send the proposal');
    expect(onDeal.deal.activities[0]!.completedAt).not.toBeNull();
  });

  it('notes an account and keeps activities within the tenant', async () => {
    const account = acme.accounts[1]!;
    const note = await gqlOk<{ createActivity: { id: string } }>(
      stack.gatewayUrl,
      CREATE,
      { input: { type: 'NOTE', subject: 'Renewal in spring', recordType: 'ACCOUNT', recordId: account.id } },
      { token: acme.admin.token },
    );
    const list = 'query ($id: ID!) { activities(recordType: ACCOUNT, recordId: $id) { id subject } }';
    // the note is the admin's (unassigned, written by them): a rep does not see it, the admin does
    expect((await gqlOk<{ activities: unknown[] }>(stack.gatewayUrl, list, { id: account.id }, { token: acme.rep.token })).activities).toEqual([]);
    expect((await gqlOk<{ activities: unknown[] }>(stack.gatewayUrl, list, { id: account.id }, { token: acme.admin.token })).activities).toEqual([
      { id: note.createActivity.id, subject: 'Renewal in spring' },
    ]);
    expect((await gqlOk<{ activities: unknown[] }>(stack.gatewayUrl, list, { id: account.id }, { token: globex.admin.token })).activities).toEqual([]);
    const foreignDeal = await gql(stack.gatewayUrl, CREATE, { input: { type: 'CALL', subject: 'x', recordType: 'DEAL', recordId: acme.deals[0]!.id } }, { token: globex.admin.token });
    expect(foreignDeal.errors?.[0]?.extensions).toMatchObject({ code: 'BAD_USER_INPUT', field: 'input.recordId' });
  });
});
