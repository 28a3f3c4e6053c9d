/** What the fault test prints per run: seed, operations, faults injected by kind, time, findings, replay. */
import { writeFileSync, mkdirSync } from 'node:fs';
import { join, relative } from 'node:path';
import { show, type Op } from './ops.js';
import type { RunResult } from './run.js';
import { OUTPUT_DIR } from './server-process.js';

const counts = (map: Map<string, number>): string =>
  [...map].sort((a, b) => b[1] - a[1]).map(([k, n]) => `${k} ${n}`).join(', ') || 'none';

export function summary(label: string, result: RunResult): string[] {
  const w = result.world;
  const l = w.ledger;
  const lostByProxy = [...w.devices.values()].reduce((n, d) => n + d.proxy.lostAnswers, 0);
  const lines = [
    `[faults] ${label} ops=${result.ops.length} time=${(result.ms / 1000).toFixed(1)}s ${result.failedAt === null ? 'PASSED' : `FAILED at op #${result.failedAt}`}`,
    `  operations: ${counts(w.counts)}`,
    `  seconds by operation: ${[...w.time].sort((a, b) => b[1] - a[1]).slice(0, 8).map(([k, ms]) => `${k} ${(ms / 1000).toFixed(1)}`).join(', ')}`,
    `  faults injected: ${counts(w.faults)} (sync answers actually lost: ${lostByProxy})`,
    `  checked: ${w.quiescences} quiescences (settling ${(w.settleMs / 1000).toFixed(1)}s, converging and comparing ${(w.convergeMs / 1000).toFixed(1)}s), ${w.rowsCompared} server rows compared with replicas`,
    `  syncs: ${l.answeredCount} answered, ${l.lost} without an answer, refused whole: ${counts(l.refusedSyncs)}`,
    `  scopes answered by: ${counts(l.sources)}`,
    `  local writes: ${l.decided.applied} applied, ${l.decided.rejected} rejected and reported, ${l.decided.coalesced} folded into a later write, ${l.decided.discarded} discarded by the app, ${l.decided.alreadyDeleted} deletes of rows already deleted, ${w.refusedLocally} refused by the replica; other apps' failed writes ${w.otherAppFailures}; operations with nothing to act on ${w.skipped}; slowest open ${w.slowestOpenMs} ms`,
    `  rejection records: ${w.apps.retried} retried, ${w.apps.discarded} discarded, ${w.apps.acknowledged} acknowledged`,
  ];
  for (const f of result.findings.slice(0, 20)) lines.push(`  FINDING [${f.invariant}] ${f.detail}`);
  if (result.findings.length > 20) lines.push(`  ... and ${result.findings.length - 20} more findings`);
  return lines;
}

/** Writes a failing list of operations for FAULTS_REPLAY; returns the lines that show it. */
export function record(name: string, seed: number | null, result: RunResult): string[] {
  mkdirSync(OUTPUT_DIR, { recursive: true });
  const file = join(OUTPUT_DIR, `${name}.json`);
  writeFileSync(file, JSON.stringify({ seed, invariant: result.findings[0]?.invariant, findings: result.findings, ops: result.ops }, null, 1));
  return [
    `  minimal sequence (${result.ops.length} operations, failing at #${result.failedAt}):`,
    ...result.ops.map((op: Op, i) => `    #${i} ${show(op)}`),
    `  replay it: cd web-client && FAULTS_REPLAY=${relative(join(OUTPUT_DIR, '..', '..', 'web-client'), file)} npm run test:faults`,
  ];
}
