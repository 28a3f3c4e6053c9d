import { afterEach, describe, expect, it, vi } from 'vitest';
import { insecureCrypto } from '../test-support/insecure-crypto.js';
import { UID_PATTERN, newUid, uidFromBytes } from './uid.js';

const V4 = /^[0-9a-f]{8}-[0-9a-f]{4}-4[0-9a-f]{3}-[89ab][0-9a-f]{3}-[0-9a-f]{12}$/;

afterEach(() => vi.unstubAllGlobals());

describe('uids', () => {
  it('should format random bytes as an RFC 4122 version 4 uid', () => {
    expect(uidFromBytes(new Uint8Array(16).fill(0xff))).toBe('ffffffff-ffff-4fff-bfff-ffffffffffff');
    expect(uidFromBytes(new Uint8Array(16))).toBe('00000000-0000-4000-8000-000000000000');
    expect(() => uidFromBytes(new Uint8Array(15))).toThrow(RangeError);
  });

  it('should make distinct version 4 uids from getRandomValues where randomUUID is missing (an insecure context)', () => {
    vi.stubGlobal('crypto', insecureCrypto());
    expect(globalThis.crypto.randomUUID).toBeUndefined();
    const uids = new Set(Array.from({ length: 1000 }, () => newUid()));
    expect(uids.size).toBe(1000);
    for (const uid of uids) expect(uid).toMatch(V4);
    for (const uid of uids) expect(uid).toMatch(UID_PATTERN);
  });
});
