import { describe, expect, it } from 'vitest';
import { bucketsFor } from './budget.js';
import { HeldDigest, rowHash, uidHash } from './held-digest.js';

// The server's test vectors (docs/protocol.md "Held digest", HeldDigestTest.java): both sides must agree bit for bit.
describe('held digest', () => {
  it('should hash uids and rows like the server', () => {
    expect(uidHash('00000000-0000-0000-0000-000000000000')).toBe(0x3753bd98);
    expect(rowHash('00000000-0000-0000-0000-000000000000', 1)).toBe(0xa64e36f5);
    expect(uidHash('123e4567-e89b-12d3-a456-426614174000')).toBe(0x971d5587);
    expect(rowHash('123e4567-e89b-12d3-a456-426614174000', 42)).toBe(0xe4508afd);
    expect(uidHash('FFFFFFFF-FFFF-4FFF-BFFF-FFFFFFFFFFFF')).toBe(0x19ecfd81); // canonical text is lower case
    expect(rowHash('ffffffff-ffff-4fff-bfff-ffffffffffff', 9007199254740991)).toBe(0xd05630f8);
  });

  it('should encode bucket sums as the server decodes them', () => {
    const digest = new HeldDigest(4);
    digest.add('123e4567-e89b-12d3-a456-426614174000', 42);
    digest.add('00000000-0000-0000-0000-000000000000', 1);
    expect(digest.encode()).toBe('pk429QAAAAAAAAAA5FCK/Q==');
  });

  it('should size buckets to about one row each and refuse a count that is not a power of two', () => {
    expect(bucketsFor(0)).toBe(1);
    expect(bucketsFor(1000)).toBe(1024);
    expect(bucketsFor(10_000_000)).toBe(1 << 20);
    expect(() => new HeldDigest(3)).toThrow(RangeError);
  });
});
