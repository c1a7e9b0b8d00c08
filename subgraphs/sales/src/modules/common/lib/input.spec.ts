import { describe, expect, it } from 'vitest';
import { z } from 'zod';
import { id, pageSize, parseInput, text } from './input.ts';

describe('parseInput', () => {
  const schema = z.object({ name: text(5), items: z.array(z.object({ ref: id() })) });

  it('returns the parsed value', () => {
    expect(parseInput(schema, { name: ' ab ', items: [] })).toEqual({ name: 'ab', items: [] });
  });

  it('names the first offending field in message and extensions', () => {
    const attempt = () => parseInput(schema, { name: 'ok', items: [{ ref: '00000000-0000-4000-8000-000000000000' }, { ref: 'x' }] }, 'input');
    expect(attempt).toThrow('input.items[1].ref must be an id (uuid)');
    try {
      attempt();
    } catch (error) {
      expect(error).toMatchObject({ extensions: { code: 'BAD_USER_INPUT', field: 'input.items[1].ref' } });
    }
  });

  it('says when text is empty, too long or null', () => {
    expect(() => parseInput(schema, { name: '   ', items: [] })).toThrow('name must not be empty');
    expect(() => parseInput(schema, { name: 'toolong', items: [] })).toThrow('name must be at most 5 characters');
    expect(() => parseInput(schema, { name: null, items: [] })).toThrow('name cannot be null');
  });
});

describe('pageSize', () => {
  it('accepts 0..100 and refuses the rest', () => {
    expect(pageSize(0)).toBe(0);
    expect(pageSize(100)).toBe(100);
    expect(() => pageSize(101)).toThrow('first must be between 0 and 100');
    expect(() => pageSize(-1)).toThrow();
  });
});
