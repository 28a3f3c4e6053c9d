/**
 * The network between one device (a replica and its tabs) and the server instances: a loopback
 * TCP proxy that spreads new connections over the instances in turn, skipping one that refuses (a
 * killed replica behind a Kubernetes Service), and that the test can break: cut every connection
 * and refuse new ones, go silent (bytes swallowed, connections left open: a tunnel), or let the
 * server commit a sync and lose its answer (the connection dies when the answer starts to come).
 */
import net from 'node:net';

/** A sync request is a POST whose GraphQL document is the client's `mutation Sync`. */
const SYNC_MARKER = Buffer.from('mutation Sync(');

export type NetworkFault = 'refuse' | 'silent';

interface Link {
  client: net.Socket;
  upstream: net.Socket;
  /** The last bytes the client sent, to find the marker across chunk boundaries. */
  tail: Buffer;
  /** A sync request went up on this link while an answer was to be lost: kill it at the first byte back. */
  loseAnswer: boolean;
}

export class FaultProxy {
  private readonly server: net.Server;
  private readonly links = new Set<Link>();
  private next = 0;
  private fault: NetworkFault | null = null;
  private loseNextSyncAnswer = false;
  /** Sync answers the proxy destroyed after the server had sent them. */
  lostAnswers = 0;

  private constructor(private readonly backends: () => number[]) {
    this.server = net.createServer((client) => this.accept(client));
  }

  static async start(backends: () => number[]): Promise<FaultProxy> {
    const proxy = new FaultProxy(backends);
    await new Promise<void>((resolve) => proxy.server.listen(0, '127.0.0.1', resolve));
    return proxy;
  }

  get url(): string {
    return `http://127.0.0.1:${(this.server.address() as net.AddressInfo).port}`;
  }

  get down(): NetworkFault | null {
    return this.fault;
  }

  /** The network goes away: `refuse` resets every connection and new ones; `silent` swallows every byte. */
  cut(fault: NetworkFault): void {
    this.fault = fault;
    if (fault === 'refuse') for (const link of [...this.links]) this.close(link);
  }

  /** The network is back; links that went silent are dead (their peer never heard of them again). */
  restore(): void {
    if (this.fault === 'silent') for (const link of [...this.links]) this.close(link);
    this.fault = null;
  }

  /** The next sync request reaches the server, which applies it; its answer never comes back. */
  loseNextAnswer(): void {
    this.loseNextSyncAnswer = true;
  }

  get losingAnswer(): boolean {
    return this.loseNextSyncAnswer;
  }

  async stop(): Promise<void> {
    for (const link of [...this.links]) this.close(link);
    await new Promise<void>((resolve) => this.server.close(() => resolve()));
  }

  private accept(client: net.Socket): void {
    client.on('error', () => undefined);
    if (this.fault === 'refuse') {
      client.resetAndDestroy();
      return;
    }
    void this.connect().then((upstream) => {
      if (!upstream || client.destroyed) {
        upstream?.destroy();
        client.destroy();
        return;
      }
      const link: Link = { client, upstream, tail: Buffer.alloc(0), loseAnswer: false };
      this.links.add(link);
      client.on('data', (chunk: Buffer) => this.up(link, chunk));
      upstream.on('data', (chunk: Buffer) => this.downstream(link, chunk));
      for (const socket of [client, upstream]) socket.on('close', () => this.close(link));
    });
  }

  /** The next instance that accepts a connection, in turn; null when none does. */
  private async connect(): Promise<net.Socket | null> {
    const ports = this.backends();
    for (let tries = 0; tries < ports.length; tries++) {
      const port = ports[this.next++ % ports.length]!;
      const socket = await new Promise<net.Socket | null>((resolve) => {
        const s = net.connect(port, '127.0.0.1');
        s.once('connect', () => resolve(s));
        s.once('error', () => resolve(null));
      });
      if (socket) {
        socket.setNoDelay(true);
        socket.on('error', () => undefined);
        return socket;
      }
    }
    return null;
  }

  private up(link: Link, chunk: Buffer): void {
    if (this.fault === 'silent') return;
    if (this.loseNextSyncAnswer) {
      const window = Buffer.concat([link.tail, chunk]);
      if (window.includes(SYNC_MARKER)) {
        this.loseNextSyncAnswer = false;
        link.loseAnswer = true;
      }
      link.tail = window.subarray(Math.max(0, window.length - SYNC_MARKER.length));
    }
    link.upstream.write(chunk);
  }

  private downstream(link: Link, chunk: Buffer): void {
    if (this.fault === 'silent') return;
    if (link.loseAnswer) {
      // The server answers after its transaction committed: the sync is applied, the client never hears.
      this.lostAnswers++;
      link.client.resetAndDestroy();
      this.close(link);
      return;
    }
    link.client.write(chunk);
  }

  private close(link: Link): void {
    if (!this.links.delete(link)) return;
    link.client.destroy();
    link.upstream.destroy();
  }
}
