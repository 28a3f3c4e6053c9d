/**
 * Client-made row uids (RFC 4122 version 4). `crypto.randomUUID()` exists only in secure contexts
 * (https, localhost): a phone opening the app at http://<LAN address> has `crypto.getRandomValues`
 * alone, so the uid is made from 16 random bytes there.
 */

const HEX = Array.from({ length: 256 }, (_, i) => i.toString(16).padStart(2, '0'));

/** The canonical form the server accepts: 8-4-4-4-12 lower-case hexadecimal digits. */
export const UID_PATTERN = /^[0-9a-f]{8}-[0-9a-f]{4}-[0-9a-f]{4}-[0-9a-f]{4}-[0-9a-f]{12}$/;

/** A new random uid, from `crypto.randomUUID` when the context offers it, else from `crypto.getRandomValues`. */
export function newUid(): string {
  const c = globalThis.crypto as Crypto | undefined;
  if (typeof c?.randomUUID === 'function') return c.randomUUID();
  if (typeof c?.getRandomValues !== 'function') throw new Error('No crypto.getRandomValues here: uids cannot be made safely');
  return uidFromBytes(c.getRandomValues(new Uint8Array(16)));
}

/** Formats 16 random bytes as a version 4, variant 10 uid (RFC 4122 §4.4). */
export function uidFromBytes(bytes: Uint8Array): string {
  if (bytes.length !== 16) throw new RangeError(`a uid takes 16 bytes, not ${bytes.length}`);
  const b = Uint8Array.from(bytes);
  b[6] = (b[6]! & 0x0f) | 0x40;
  b[8] = (b[8]! & 0x3f) | 0x80;
  const h = Array.from(b, (x) => HEX[x]!);
  return `${h.slice(0, 4).join('')}-${h.slice(4, 6).join('')}-${h.slice(6, 8).join('')}-${h.slice(8, 10).join('')}-${h.slice(10).join('')}`;
}
