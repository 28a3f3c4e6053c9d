/**
 * The peers under test, each a Node child process of its own (so its memory and CPU are its own):
 * PostGraphile with @graphile/pg-pubsub, and the graphql-ws floor.
 */
import { fork } from 'node:child_process';
import { join } from 'node:path';
import { freePort } from './ports.js';
import { ServerProcess } from './server-process.js';

export class Peer extends ServerProcess {
  /** Forks `peers/<file>` on a free port and waits until it listens. */
  static async start(name, file, databaseUrl, logDir) {
    const port = await freePort();
    const logFile = join(logDir, `${file.replace(/\.js$/, '')}.log`);
    const child = fork(new URL(`./peers/${file}`, import.meta.url), [], {
      execArgv: ['--expose-gc'],
      env: { ...process.env, PEER_DATABASE_URL: databaseUrl, PEER_PORT: String(port) },
      stdio: ['ignore', 'pipe', 'pipe', 'ipc'],
    });
    const peer = new Peer(child, port, logFile);
    await new Promise((resolve, reject) => {
      const timer = setTimeout(() => reject(new Error(`${name} not listening within 120 s; see ${logFile}`)), 120_000);
      child.on('message', (m) => m?.type === 'listening' && (clearTimeout(timer), resolve()));
      child.once('exit', (code) => (clearTimeout(timer), reject(new Error(`${name} exited at start-up (code ${code}); see ${logFile}`))));
    });
    return peer;
  }

  /** Resident memory and heap used after two full collections in the child. */
  memory() {
    return new Promise((resolve, reject) => {
      const timer = setTimeout(() => reject(new Error('the peer did not report its memory within 60 s')), 60_000);
      const answer = (m) => {
        if (m?.type !== 'memory') return;
        this.child.off('message', answer);
        clearTimeout(timer);
        resolve({ rss: m.rss, heap: m.heap });
      };
      this.child.on('message', answer);
      this.child.send({ type: 'memory' });
    });
  }
}

/** The type identifier in PostGraphile's node ids of app_user (its documentation: decode a node id to find it). */
export async function nodeType(postgraphile) {
  const response = await fetch(postgraphile.httpUrl, {
    method: 'POST',
    headers: { 'content-type': 'application/json' },
    body: JSON.stringify({ query: '{ allAppUsers(first: 1) { nodes { nodeId } } }' }),
  });
  const body = await response.json();
  const nodeId = body.data?.allAppUsers?.nodes?.[0]?.nodeId;
  if (!nodeId) throw new Error(`PostGraphile gave no node id: ${JSON.stringify(body).slice(0, 300)}`);
  return JSON.parse(Buffer.from(nodeId, 'base64').toString('utf8'))[0];
}
