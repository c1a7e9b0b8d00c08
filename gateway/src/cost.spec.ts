import { readFileSync } from 'node:fs';
import { describe, expect, it } from 'vitest';
import { buildSchema, parse, specifiedRules, validate } from './graphql.ts';
import { actualCost, costModelFromSupergraph, estimateCost, operationOf, type CostModel } from './cost.ts';
import { DEMAND_CONTROL_DEFAULTS } from './plugins/useDemandControl.ts';
import { useOperationLimits } from './plugins/useOperationLimits.ts';

const root = new URL('../../', import.meta.url);
const supergraph = readFileSync(new URL('schema/supergraph.graphql', root), 'utf8');
const apiSchema = buildSchema(readFileSync(new URL('schema/api-schema.graphql', root), 'utf8'));
const model = costModelFromSupergraph(supergraph);

const cost = (query: string, variables: Record<string, unknown> = {}, m: CostModel = model, schema = apiSchema) => {
  const document = parse(query);
  return estimateCost(schema, m, document, operationOf(document)!, variables);
};

describe('cost model from the supergraph', () => {
  it('reads @listSize and @cost', () => {
    expect(model.listSizes.get('Query.accounts')).toEqual({ slicingArguments: ['first'] });
    expect(model.fieldWeights.get('Pipeline.summary')).toBe(2);
  });
});

describe('estimateCost', () => {
  it('counts objects 1 and scalars 0', () => {
    expect(cost('{ me { id name email } }')).toBe(1);
    expect(cost('{ __typename }')).toBe(0);
  });

  it('multiplies lists by the slicing argument, its schema default, or the default size', () => {
    expect(cost('{ accounts(first: 5) { id } }')).toBe(5);
    expect(cost('query($n: Int) { accounts(first: $n) { id } }', { n: 7 })).toBe(7);
    expect(cost('{ accounts { id } }')).toBe(50); // `first: Int = 50`
    expect(cost('{ teams { id } }')).toBe(50); // @listSize(assumedSize: 50)
    expect(cost('{ account(id: "a") { contacts { id } } }')).toBe(1 + 10); // no @listSize, no slicing argument
    expect(cost('{ accounts(first: 2) { contacts { id } deals(first: 3) { id } } }')).toBe(2 * (1 + 10 + 3));
  });

  it('honours @cost weights and charges mutations a base', () => {
    expect(cost('{ pipeline(id: "p") { summary { pipelineId } } }')).toBe(1 + 2);
    expect(cost('mutation { moveDeal(id: "d", stageId: "s") { id } }')).toBe(10 + 1);
  });

  it('counts fragments and inline fragments where they are spread', () => {
    expect(cost('{ accounts(first: 2) { ...A } } fragment A on Account { owner { id } ... on Account { deals(first: 1) { id } } }')).toBe(2 * (1 + 1 + 1));
  });

  it('estimates fragment bombs in linear time', () => {
    let query = '{ ...F40 } fragment F0 on Query { me { id } }';
    for (let i = 1; i <= 40; i++) query += ` fragment F${i} on Query { ...F${i - 1} ...F${i - 1} }`;
    expect(cost(query)).toBe(2 ** 40);
  });

  it('passes @listSize(sizedFields) to the fields of a connection', () => {
    const schema = buildSchema('type Query { items(first: Int, after: String): ItemConnection! } type ItemConnection { edges: [Edge!]! total: Int } type Edge { node: Item! } type Item { id: ID! }');
    const sized: CostModel = { fieldWeights: new Map(), typeWeights: new Map(), listSizes: new Map([['Query.items', { slicingArguments: ['first'], sizedFields: ['edges'] }]]) };
    expect(cost('{ items(first: 20) { total edges { node { id } } } }', {}, sized, schema)).toBe(1 + 20 * (1 + 1));
  });
});

describe('actualCost', () => {
  it('counts the objects of a response, list items each', () => {
    expect(actualCost({ deals: [{ id: '1', account: { name: 'a' } }, { id: '2', account: null }] })).toBe(3);
    expect(actualCost(null)).toBe(0);
  });
});

describe("the web app's operations", () => {
  const documents = Object.values(JSON.parse(readFileSync(new URL('clients/web/src/gql/persisted-documents.json', root), 'utf8')) as Record<string, string>);
  const limits = useOperationLimits();

  it.each(documents.map((d) => [d.slice(0, 60), d]))('%s… is within the default limits', (_, source) => {
    const document = parse(source, limits.parseOptions);
    expect(validate(apiSchema, document, [...specifiedRules, ...limits.validationRules])).toEqual([]);
    const operation = operationOf(document)!;
    // page-size variables at their maximum: the most a client may ask for
    const variables = Object.fromEntries((operation.variableDefinitions ?? []).map((v) => [v.variable.name.value, 500]));
    expect(estimateCost(apiSchema, model, document, operation, variables)).toBeLessThanOrEqual(DEMAND_CONTROL_DEFAULTS.maxCost);
  });
});
