import { describe, expect, it } from 'vitest';
import { formPostOf } from './form-routes.ts';
import { customFieldInputs } from './form-values.ts';

describe('form posts', () => {
  it('keeps built-in fields and string custom values only', () => {
    expect(formPostOf({ name: 'Ada', email: 'a@b.io', admin: 'yes', ownerId: 'x', custom: { country: 'DE', n: 3 } })).toEqual({ name: 'Ada', email: 'a@b.io', custom: { country: 'DE' } });
    expect(formPostOf(['x'])).toBeNull();
  });

  it('writes allowed custom fields with the member of their type', () => {
    const definitions = [
      { key: 'country', type: 'SELECT' },
      { key: 'employees', type: 'NUMBER' },
      { key: 'newsletter', type: 'BOOLEAN' },
      { key: 'topics', type: 'MULTI_SELECT' },
      { key: 'secret', type: 'TEXT' },
    ];
    const post = { custom: { country: 'DE', employees: '12', newsletter: 'on', topics: 'a, b', secret: 'not allowed', other: 'x' } };
    expect(customFieldInputs(post, ['country', 'employees', 'newsletter', 'topics'], definitions)).toEqual([
      { key: 'country', option: 'DE' },
      { key: 'employees', number: 12 },
      { key: 'newsletter', boolean: true },
      { key: 'topics', options: ['a', 'b'] },
    ]);
    expect(customFieldInputs({ custom: { employees: 'many' } }, ['employees'], definitions)).toEqual([{ key: 'employees', text: 'many' }]);
  });
});
