import { describe, expect, it } from 'vitest';
import { filter } from './where.js';

describe('column filters', () => {
  it('should treat a comparison with null as unknown, except ne, notIn and isNull', () => {
    expect(filter(null, { eq: 'a' }, false, false)).toBeNull();
    expect(filter(null, { lt: 'a' }, false, false)).toBeNull();
    expect(filter(null, { ne: 'a' }, false, false)).toBe(true);
    expect(filter(null, { notIn: ['a'] }, false, false)).toBe(true);
    expect(filter(null, { isNull: true }, false, false)).toBe(true);
    expect(filter('x', { isNull: true }, false, false)).toBe(false);
  });

  it('should require every operator of one filter to hold', () => {
    expect(filter('Red', { startsWith: 'R', contains: 'ed' }, false, false)).toBe(true);
    expect(filter('Red', { startsWith: 'R', contains: 'x' }, false, false)).toBe(false);
    expect(filter('b', { gt: 'a', lte: 'b' }, false, false)).toBe(true);
  });

  it('should match nothing with an empty in list', () => {
    expect(filter('a', { in: [] }, false, false)).toBe(false);
    expect(filter('a', { in: ['a', 'b'] }, false, false)).toBe(true);
  });

  it('should compare times as instants and uuids without case', () => {
    expect(filter('2026-01-01T01:00:00+01:00', { eq: '2026-01-01T00:00:00Z' }, true, false)).toBe(true);
    expect(filter('2026-01-01T00:00:01Z', { gt: '2026-01-01T00:00:00Z' }, true, false)).toBe(true);
    expect(filter('abc-DEF', { eq: 'ABC-def' }, false, true)).toBe(true);
  });

  it('should treat percent and underscore literally in contains', () => {
    expect(filter('50%_off', { contains: '%_' }, false, false)).toBe(true);
    expect(filter('50 off', { contains: '%' }, false, false)).toBe(false);
  });
});
