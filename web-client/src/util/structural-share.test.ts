import { describe, expect, it } from 'vitest';
import { shareEqual } from './structural-share.js';

describe('structural sharing', () => {
  it('should return the previous value when the new one is deeply equal', () => {
    const prev = { rows: [{ uid: 'a', n: 1 }], total: 1 };
    expect(shareEqual(prev, structuredClone(prev))).toBe(prev);
  });

  it('should keep unchanged rows by uid when rows are inserted, removed or reordered', () => {
    const prev = [{ uid: 'a', n: 1 }, { uid: 'b', n: 2 }, { uid: 'c', n: 3 }];
    const next = shareEqual(prev, [{ uid: 'z', n: 0 }, { uid: 'c', n: 3 }, { uid: 'a', n: 9 }]);
    expect(next[1]).toBe(prev[2]);
    expect(next[2]).not.toBe(prev[0]);
    expect(next).toEqual([{ uid: 'z', n: 0 }, { uid: 'c', n: 3 }, { uid: 'a', n: 9 }]);
  });

  it('should see a removed key, an added key and a changed nested value', () => {
    expect(shareEqual({ a: 1, b: 2 }, { a: 1 })).toEqual({ a: 1 });
    const prev = { a: 1 };
    expect(shareEqual(prev, { a: 1, b: undefined })).not.toBe(prev);
    const nested = { x: { y: [1, 2] }, z: { w: 1 } };
    const next = shareEqual(nested, { x: { y: [1, 3] }, z: { w: 1 } });
    expect(next.z).toBe(nested.z);
    expect(next.x.y).toEqual([1, 3]);
  });

  it('should compare other objects by identity only', () => {
    const date = new Date(0);
    expect(shareEqual(date, new Date(0))).not.toBe(date);
    expect(shareEqual([date], [date])).toEqual([date]);
  });
});
