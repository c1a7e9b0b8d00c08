import { describe, expect, it } from 'vitest';
import { MemoryLimitStore } from '../limit-store.ts';
import { budgetExhausted, createCostBudget } from './cost-budget.ts';

const MINUTE = 60_000;
const start = 1_700_000_000_000 - (1_700_000_000_000 % MINUTE);

describe('createCostBudget', () => {
  it("charges each tenant's own budget per minute and refuses what would pass it, without counting it", async () => {
    let now = start + 10_000;
    const rejected: string[] = [];
    const budget = createCostBudget({ budgetPerMinute: 250, store: new MemoryLimitStore(), clock: () => now, onReject: () => rejected.push('budget') });
    const acme = { tenantId: 'acme' };
    expect(await budget.charge(acme, 100)).toBeNull();
    expect(await budget.charge(acme, 100)).toBeNull();
    expect(await budget.charge(acme, 100)).toEqual({ budget: 250, estimated: 100, remaining: 50, retryAfterSeconds: 50 });
    expect(await budget.charge(acme, 50)).toBeNull(); // the refused charge was not counted
    expect(await budget.charge({ tenantId: 'globex' }, 100)).toBeNull();
    expect(rejected).toEqual(['budget']);
    now = start + MINUTE;
    expect(await budget.charge(acme, 250)).toBeNull();
  });

  it('charges nothing without a budget, a tenant or a cost', async () => {
    const store = new MemoryLimitStore();
    expect(await createCostBudget({ store }).charge({ tenantId: 'acme' }, 1_000_000)).toBeNull();
    const budget = createCostBudget({ budgetPerMinute: 10, store });
    expect(await budget.charge({ tenantId: null }, 1_000)).toBeNull();
    expect(await budget.charge({ tenantId: 'acme' }, 0)).toBeNull();
    expect(await budget.charge({ tenantId: 'acme' }, 10)).toBeNull();
    expect(await budget.charge({ tenantId: 'acme' }, 1)).not.toBeNull();
  });

  it("takes each tenant's budget from a function (its plan)", async () => {
    const asked: string[] = [];
    const budget = createCostBudget({
      budgetPerMinute: async (tenantId) => {
        asked.push(tenantId);
        return tenantId === 'enterprise' ? 1_000 : 100;
      },
      store: new MemoryLimitStore(),
      clock: () => start,
    });
    expect(await budget.charge({ tenantId: 'enterprise' }, 500)).toBeNull();
    expect(await budget.charge({ tenantId: 'starter' }, 500)).toMatchObject({ budget: 100, remaining: 100, retryAfterSeconds: 60 });
    expect(asked).toEqual(['enterprise', 'starter']);
  });

  it('words a refusal as RATE_LIMITED with the figures', () => {
    expect(budgetExhausted({ budget: 250, estimated: 100, remaining: 50, retryAfterSeconds: 12 })).toEqual({
      message: 'Cost budget of 250 points per minute exhausted; retry in 12 s',
      extensions: { code: 'RATE_LIMITED', estimated: 100, remaining: 50, retryAfterSeconds: 12 },
    });
  });
});
