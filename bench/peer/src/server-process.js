/**
 * A server under test run as a child process of the harness: its output copied to a log file (the
 * end also kept in memory, to tell why it failed to start), its GraphQL URLs, and its stop.
 */
import { createWriteStream } from 'node:fs';

export class ServerProcess {
  constructor(child, port, logFile) {
    this.child = child;
    this.port = port;
    this.output = '';
    this.closed = new Promise((r) => child.once('close', r));
    const log = createWriteStream(logFile, { flags: 'a' });
    for (const stream of [child.stdout, child.stderr]) {
      stream.pipe(log, { end: false });
      stream.on('data', (chunk) => (this.output = (this.output + chunk).slice(-65_536)));
    }
    child.once('close', () => log.end());
  }

  get pid() {
    return this.child.pid;
  }

  get httpUrl() {
    return `http://127.0.0.1:${this.port}/graphql`;
  }

  get wsUrl() {
    return `ws://127.0.0.1:${this.port}/graphql`;
  }

  /** SIGTERM, and waits until the process has ended and its output is read. */
  async stop() {
    if (this.child.exitCode === null && this.child.signalCode === null) this.child.kill('SIGTERM');
    await this.closed;
  }
}
