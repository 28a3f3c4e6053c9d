/**
 * The compact form of a scope's held rows (docs/protocol.md, "Held digest"): bucket checksums
 * instead of one "uid:version" per row. Both hashes are FNV-1a (32-bit) over ASCII text, finished
 * by MurmurHash3's fmix32; a bucket's sum is the sum of its rows' hashes modulo 2^32.
 */

/** FNV-1a (32-bit) over the UTF-16 code units of a text. */
export function fnv1a(text: string, seed = 0x811c9dc5): number {
  let h = seed;
  for (let i = 0; i < text.length; i++) {
    h ^= text.charCodeAt(i);
    h = Math.imul(h, 0x01000193);
  }
  return h >>> 0;
}

function fmix32(input: number): number {
  let h = input;
  h ^= h >>> 16;
  h = Math.imul(h, 0x85ebca6b);
  h ^= h >>> 13;
  h = Math.imul(h, 0xc2b2ae35);
  h ^= h >>> 16;
  return h >>> 0;
}

/** The hash that picks a row's bucket: over the canonical lower-case uid. */
export function uidHash(uid: string): number {
  return fmix32(fnv1a(uid.toLowerCase()));
}

/** The hash a row adds to its bucket: over "<uid>:<version>". */
export function rowHash(uid: string, version: number): number {
  return fmix32(fnv1a(`${uid.toLowerCase()}:${version}`));
}

export class HeldDigest {
  private readonly sums: Uint32Array;

  constructor(readonly buckets: number) {
    if (buckets < 1 || buckets > 1 << 20 || (buckets & (buckets - 1)) !== 0) {
      throw new RangeError(`${buckets} is not a power of two from 1 to 2^20`);
    }
    this.sums = new Uint32Array(buckets);
  }

  bucket(uid: string): number {
    return uidHash(uid) & (this.buckets - 1);
  }

  add(uid: string, version: number): void {
    const b = this.bucket(uid);
    this.sums[b] = (this.sums[b]! + rowHash(uid, version)) >>> 0;
  }

  /** Big-endian unsigned 32-bit sums, base64 (standard alphabet, padded). */
  encode(): string {
    const bytes = new Uint8Array(this.buckets * 4);
    const view = new DataView(bytes.buffer);
    this.sums.forEach((sum, i) => view.setUint32(i * 4, sum, false));
    let binary = '';
    for (let i = 0; i < bytes.length; i += 0x8000) binary += String.fromCharCode(...bytes.subarray(i, i + 0x8000));
    return btoa(binary);
  }
}
