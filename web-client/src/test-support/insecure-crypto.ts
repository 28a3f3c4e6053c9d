/** The crypto of an insecure context (http://<LAN address>): getRandomValues, no randomUUID. */
export function insecureCrypto(): Crypto {
  const real = globalThis.crypto;
  return { getRandomValues: real.getRandomValues.bind(real), subtle: real.subtle } as unknown as Crypto;
}
