/** Free ports and waiting for a server process to answer. */
import net from 'node:net';
import { sleep } from './stats.js';

export async function freePort() {
  const server = net.createServer();
  await new Promise((r) => server.listen(0, '127.0.0.1', r));
  const { port } = server.address();
  await new Promise((r) => server.close(r));
  return port;
}

/** Polls `url` until it answers 200; fails when `child` exits first or after two minutes. */
export async function waitUntilReady(url, child, name, log) {
  const deadline = Date.now() + 120_000;
  while (Date.now() < deadline) {
    if (child.exitCode !== null) throw new Error(`${name} exited at start-up (code ${child.exitCode}); see ${log}`);
    try {
      if ((await fetch(url, { signal: AbortSignal.timeout(2000) })).status === 200) return;
    } catch {
      // not listening yet
    }
    await sleep(200);
  }
  throw new Error(`${name} not ready within 120 s; see ${log}`);
}
