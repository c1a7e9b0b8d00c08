import { describe, expect, it } from 'vitest';
import { badgeText, markRead, receive, recordHref } from './notifications.ts';

const item = (id: string, createdAt: string, read = false) => ({ id, createdAt, read });

describe('notifications bell', () => {
  it('links each record type the app has a page for', () => {
    expect(recordHref('Deal', 'd 1')).toBe('/deals/d%201');
    expect(recordHref('Lead', 'l1')).toBe('/leads/l1');
    expect(recordHref('Webhook', 'w1')).toBeNull();
  });

  it('puts a live notification first, counts it once and keeps at most max', () => {
    const start = { items: [item('b', '2026-11-26T10:00:00Z'), item('a', '2026-11-26T09:00:00Z', true)], unread: 1 };
    const next = receive(start, item('c', '2026-11-26T11:00:00Z'), 2);
    expect(next.items.map((i) => i.id)).toEqual(['c', 'b']);
    expect(next.unread).toBe(2);
    expect(receive(next, item('c', '2026-11-26T11:00:00Z'), 2)).toBe(next);
  });

  it('marks read without counting below zero or twice', () => {
    const state = { items: [item('a', '2026-11-26T10:00:00Z'), item('b', '2026-11-26T09:00:00Z', true)], unread: 1 };
    const next = markRead(state, new Set(['a', 'b']));
    expect(next.unread).toBe(0);
    expect(next.items.every((i) => i.read)).toBe(true);
    expect(markRead(next, new Set(['a'])).unread).toBe(0);
  });

  it('shows the badge from one, capped at 99+', () => {
    expect(badgeText(0)).toBe('');
    expect(badgeText(7)).toBe('7');
    expect(badgeText(120)).toBe('99+');
  });
});
