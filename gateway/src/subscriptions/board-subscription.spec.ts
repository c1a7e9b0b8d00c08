import { describe, expect, it } from 'vitest';
import { buildSchema, type GraphQLError, parse, print } from '../graphql.ts';
import type { BoardChange } from './board-event.ts';
import { ACCESS_PROBE, DEAL_ID_VARIABLE, planBoardSubscription, renderBoardEvent, type BoardSubscriptionPlan } from './board-subscription.ts';

const schema = buildSchema(/* GraphQL */ `
  scalar DateTime
  enum PipelineBoardEventType { DEAL_CREATED DEAL_MOVED DEAL_UPDATED DEAL_WON DEAL_LOST DEAL_REOPENED DEAL_DELETED }
  interface Party { id: ID! }
  type Account implements Party { id: ID! name: String! }
  type Person implements Party { id: ID! fullName: String! }
  type Deal { id: ID! name: String! amount(currency: String): String! account: Account counterpart: Party }
  type PipelineBoardEvent {
    type: PipelineBoardEventType!
    sequence: String!
    pipelineId: ID!
    dealId: ID!
    fromStageId: ID
    toStageId: ID
    occurredAt: DateTime!
    deal: Deal
  }
  type Query { deal(id: ID!): Deal }
  type Subscription { pipelineBoard(pipelineId: ID!): PipelineBoardEvent! other: String }
`);

const change: BoardChange = {
  tenantId: 't1',
  eventId: 'e1',
  type: 'DEAL_MOVED',
  sequence: '12',
  pipelineId: 'p1',
  dealId: 'd1',
  fromStageId: 's1',
  toStageId: 's2',
  occurredAt: '2026-11-26T10:00:00.000Z',
};

function plan(query: string, variables: Record<string, unknown> = {}): BoardSubscriptionPlan {
  const result = planBoardSubscription(schema, parse(query), undefined, variables);
  if (Array.isArray(result)) throw new Error(result.map((e: GraphQLError) => e.message).join('; '));
  return result as BoardSubscriptionPlan;
}

describe('planBoardSubscription', () => {
  it('reads the pipeline from a variable or a literal', () => {
    expect(plan('subscription($p: ID!) { pipelineBoard(pipelineId: $p) { type } }', { p: 'p9' }).pipelineId).toBe('p9');
    expect(plan('subscription { pipelineBoard(pipelineId: "p8") { type } }').pipelineId).toBe('p8');
  });

  it('always probes the deal as the subscriber, even when the deal is not selected', () => {
    const { dealQuery } = plan('subscription { pipelineBoard(pipelineId: "p") { type dealId } }');
    expect(print(parse(dealQuery.query))).toBe(print(parse(`query PipelineBoardDeal($${DEAL_ID_VARIABLE}: ID!) { ${ACCESS_PROBE}: deal(id: $${DEAL_ID_VARIABLE}) { id } }`)));
    expect(dealQuery.variables).toEqual({});
  });

  it('gives identical subscriptions the same key and different variables different keys', () => {
    const query = 'subscription($p: ID!) { pipelineBoard(pipelineId: $p) { type } }';
    expect(plan(query, { p: 'p1' }).key).toBe(plan(query, { p: 'p1' }).key);
    expect(plan(query, { p: 'p1' }).key).not.toBe(plan(query, { p: 'p2' }).key);
  });

  it('builds one deal query with the selection, its fragments and only the variables it uses', () => {
    const { dealQuery } = plan(
      `subscription Board($p: ID!, $cur: String, $unused: String) {
        pipelineBoard(pipelineId: $p) { type ...Card }
      }
      fragment Card on PipelineBoardEvent { card: deal { ...DealFields price: amount(currency: $cur) } }
      fragment DealFields on Deal { id name }`,
      { p: 'p1', cur: 'EUR', unused: "x" },
    );
    expect(dealQuery.variables).toEqual({ cur: 'EUR' });
    expect(print(parse(dealQuery.query))).toBe(
      print(
        parse(`query PipelineBoardDeal($${DEAL_ID_VARIABLE}: ID!, $cur: String) {
          ${ACCESS_PROBE}: deal(id: $${DEAL_ID_VARIABLE}) { id }
          card: deal(id: $${DEAL_ID_VARIABLE}) { ...DealFields price: amount(currency: $cur) __typename }
        }
        fragment DealFields on Deal { id name __typename }`),
      ),
    );
  });

  it('refuses other subscription fields and bad variables', () => {
    const other = planBoardSubscription(schema, parse('subscription { other }'), undefined, {});
    expect(Array.isArray(other) && (other[0] as GraphQLError).extensions['code']).toBe('BAD_USER_INPUT');
    const missing = planBoardSubscription(schema, parse('subscription($p: ID!) { pipelineBoard(pipelineId: $p) { type } }'), undefined, {});
    expect(Array.isArray(missing) && (missing[0] as GraphQLError).extensions['code']).toBe('BAD_USER_INPUT');
  });
});

describe('renderBoardEvent', () => {
  it('answers exactly the selection, with aliases, from the change and the fetched deal', async () => {
    const board = plan(
      `subscription($p: ID!) {
        live: pipelineBoard(pipelineId: $p) {
          kind: type sequence to: toStageId
          card: deal { title: name account { name } counterpart { __typename ... on Person { fullName } } }
        }
      }`,
      { p: 'p1' },
    );
    const result = await renderBoardEvent(schema, board, change, {
      data: { card: { __typename: 'Deal', title: 'Big deal', account: { __typename: 'Account', name: 'Acme' }, counterpart: { __typename: 'Person', fullName: 'Ada' } } },
    });
    expect(result).toEqual({
      data: { live: { kind: 'DEAL_MOVED', sequence: '12', to: 's2', card: { title: 'Big deal', account: { name: 'Acme' }, counterpart: { __typename: 'Person', fullName: 'Ada' } } } },
    });
  });

  it('answers a null deal with the error of its fetch', async () => {
    const board = plan('subscription { pipelineBoard(pipelineId: "p1") { dealId deal { name } } }');
    const result = await renderBoardEvent(schema, board, change, { data: { deal: null }, errors: [{ message: 'Subgraph sales is unavailable', extensions: { code: 'SUBGRAPH_UNAVAILABLE' } }] });
    expect(result.data).toEqual({ pipelineBoard: { dealId: 'd1', deal: null } });
    expect(result.errors?.[0]?.extensions['code']).toBe('SUBGRAPH_UNAVAILABLE');
  });
});
