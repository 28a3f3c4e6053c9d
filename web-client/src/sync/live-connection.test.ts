import { describe, expect, it } from 'vitest';
import { LiveConnection } from './live-connection.js';

/** A fake WebSocket class: `onConstruct` runs for each new socket, `onSend` for each message the client sends. */
function fakeSocket(onConstruct: (socket: FakeSocket) => void, onSend: (socket: FakeSocket, data: string) => void = () => undefined) {
  return class implements FakeSocket {
    static CONNECTING = 0;
    static OPEN = 1;
    static CLOSING = 2;
    static CLOSED = 3;
    readyState = 0;
    protocol = 'graphql-transport-ws';
    onclose: ((event: { code: number; reason: string; wasClean: boolean }) => void) | null = null;
    onerror: ((event: unknown) => void) | null = null;
    onopen: (() => void) | null = null;
    onmessage: ((event: unknown) => void) | null = null;
    constructor() {
      onConstruct(this);
    }
    close(code = 1000, reason = ''): void {
      this.readyState = 3;
      setTimeout(() => this.onclose?.({ code, reason, wasClean: true }), 0);
    }
    send(data: string): void {
      onSend(this, data);
    }
  };
}

interface FakeSocket {
  readyState: number;
  onclose: ((event: { code: number; reason: string; wasClean: boolean }) => void) | null;
  onopen: (() => void) | null;
  close(code?: number, reason?: string): void;
}

/** A WebSocket whose server is never there: every connection closes at once, as on a refused connect. */
function refusingSocket(attempts: number[]) {
  return fakeSocket((socket) => {
    attempts.push(Date.now());
    setTimeout(() => {
      socket.readyState = 3;
      socket.onclose?.({ code: 1006, reason: 'refused', wasClean: false });
    }, 0);
  });
}

const scope = { id: 'g', table: 'Group', where: null };

describe('reconnection', () => {
  it('should retry with exponential backoff and jitter, and at once when the network comes back', async () => {
    const attempts: number[] = [];
    const downs: string[] = [];
    const connection = new LiveConnection(
      { url: 'ws://localhost:1/graphql', webSocketImpl: refusingSocket(attempts), keepAliveMs: 0, pongTimeoutMs: 5000, minBackoffMs: 40, maxBackoffMs: 160, random: () => 0.5 },
      [{ scope, query: 'subscription { groupChanged { operation } }', field: 'groupChanged' }],
      { onReady: () => undefined, onEvent: () => undefined, onDown: (_s, reason) => downs.push(reason), onError: () => undefined },
    );
    connection.start();
    const deadline = Date.now() + 5000;
    while (attempts.length < 5 && Date.now() < deadline) await new Promise((r) => setTimeout(r, 5));
    connection.setOnline(false);
    const gaps = attempts.slice(1, 5).map((t, i) => t - attempts[i]!);
    // ceilings 40, 80, 160, 160 ms; with random 0.5 the delay is 3/4 of each (30, 60, 120, 120)
    expect(gaps[0]).toBeGreaterThanOrEqual(29);
    expect(gaps[1]).toBeGreaterThanOrEqual(59);
    expect(gaps[2]).toBeGreaterThanOrEqual(119);
    expect(gaps[3]).toBeGreaterThanOrEqual(119);
    expect(gaps[3]!).toBeLessThan(gaps[2]! + 100); // capped at maxBackoffMs
    const offlineAttempts = attempts.length;
    await new Promise((r) => setTimeout(r, 300));
    expect(attempts.length).toBe(offlineAttempts); // offline: no attempts
    connection.setOnline(true);
    expect(attempts.length).toBe(offlineAttempts + 1); // online: at once, backoff reset
    connection.stop();
    expect(downs.length).toBeGreaterThanOrEqual(5);
  });
});

/** A socket that opens, records what the client sends, and refuses the connection_init as for an expired token. */
function recordingSocket(sent: string[]) {
  return fakeSocket(
    (socket) => setTimeout(() => {
      socket.readyState = 1;
      socket.onopen?.();
    }, 0),
    (socket, data) => {
      sent.push(data);
      // Refuse the connection as the server does for an expired token: the client reconnects.
      if ((JSON.parse(data) as { type: string }).type === 'connection_init') socket.close(4403, 'Forbidden');
    },
  );
}

describe('bearer tokens on the WebSocket', () => {
  it('should send the current token in every connection_init payload', async () => {
    const sent: string[] = [];
    let n = 0;
    const connection = new LiveConnection(
      { url: 'ws://localhost:1/graphql', webSocketImpl: recordingSocket(sent), token: () => `t${++n}`, keepAliveMs: 0,
        pongTimeoutMs: 5000, minBackoffMs: 1, maxBackoffMs: 2, random: () => 0.5 },
      [{ scope, query: 'subscription { groupChanged { operation } }', field: 'groupChanged' }],
      { onReady: () => undefined, onEvent: () => undefined, onDown: () => undefined, onError: () => undefined },
    );
    connection.start();
    const deadline = Date.now() + 5000;
    while (sent.length < 2 && Date.now() < deadline) await new Promise((r) => setTimeout(r, 5));
    connection.stop();
    const inits = sent.map((m) => JSON.parse(m) as { type: string; payload: { Authorization?: string } });
    expect(inits.slice(0, 2).map((m) => [m.type, m.payload.Authorization])).toEqual([
      ['connection_init', 'Bearer t1'],
      ['connection_init', 'Bearer t2'],
    ]);
  });
});

