/**
 * Which events an endpoint receives. A pattern is an event type (`sales.deal.stage_changed`),
 * a prefix ending in `.*` (`sales.deal.*`, `sales.*`), or `*` for everything.
 */

export const EVENT_PATTERN = /^[a-z]+(\.[a-z_]+){0,2}(\.\*)?$/;
export const MAX_PATTERNS = 50;

export const isEventPattern = (pattern: string) => pattern === '*' || EVENT_PATTERN.test(pattern);

/** True when an event of `type` is delivered to an endpoint subscribed to `pattern`. */
export function matchesEventPattern(pattern: string, type: string): boolean {
  if (pattern === '*') return true;
  if (pattern.endsWith('.*')) return type.startsWith(pattern.slice(0, -1));
  return pattern === type;
}

export const matchesAnyPattern = (patterns: readonly string[], type: string) =>
  patterns.some((pattern) => matchesEventPattern(pattern, type));
