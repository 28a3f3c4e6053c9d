/**
 * FAULTS_TRACE=<dir>: every sync a device sends and its answer, and every WebSocket message its
 * tabs receive, appended to <dir>/trace-<device>.jsonl (a diagnostic for a finding the summary does
 * not explain; off by default).
 */
import { appendFileSync, mkdirSync } from 'node:fs';
import { join } from 'node:path';
import { WebSocket } from 'ws';

const DIR = process.env.FAULTS_TRACE;
if (DIR) mkdirSync(DIR, { recursive: true });

export const tracing = DIR !== undefined;

export function trace(device: string, entry: Record<string, unknown>): void {
  if (DIR) appendFileSync(join(DIR, `trace-${device}.jsonl`), `${JSON.stringify({ t: new Date().toISOString(), ...entry })}\n`);
}

/** The WebSocket implementation a device's tabs use: `ws`, its incoming messages traced when tracing. */
export function tracedWebSocket(device: string, tab: string): typeof WebSocket {
  if (!DIR) return WebSocket;
  return class extends WebSocket {
    constructor(...args: ConstructorParameters<typeof WebSocket>) {
      super(...args);
      this.on('message', (data) => trace(device, { tab, ws: data.toString() }));
      this.on('close', (code) => trace(device, { tab, wsClose: code }));
    }
  } as typeof WebSocket;
}
