/**
 * Runs a list of operations in a fresh world (new users, replicas and proxies; the cluster healed
 * first) with the invariants checked at every quiescence and at the end, and shrinks a failing
 * list: drops chunks of operations while the same invariant still breaks, within a time budget
 * (each try is a real run against the servers, so shrinking is bounded by time, not by tries; a
 * try still running at the deadline stops before its next operation and counts as not reproducing).
 */
import type { Cluster } from './cluster.js';
import type { Finding } from './ledger.js';
import type { Op } from './ops.js';
import { quiesce } from './quiescence.js';
import type { SchemaFacts } from './schema-facts.js';
import { World } from './world.js';
import { trace } from './trace.js';

export interface RunResult {
  ops: Op[];
  /** Index of the operation (or quiescence) where the first finding was made; null when none. */
  failedAt: number | null;
  findings: Finding[];
  ms: number;
  world: World;
  /** The run stopped at its deadline before its last operation: it proves nothing either way. */
  cutShort?: boolean;
}

/** Runs a list of operations; the shrinker's tries pass a deadline. */
export type OpsRunner = (ops: Op[], deadline?: number) => Promise<RunResult>;

let runs = 0;

export async function runOps(cluster: Cluster, schema: SchemaFacts, ops: Op[], keepGoing: boolean, deadline = Infinity): Promise<RunResult> {
  const started = Date.now();
  const world = new World(cluster, schema, `f${Date.now().toString(36)}${++runs}x`);
  const findings: Finding[] = [];
  let failedAt: number | null = null;
  let cutShort = false;
  const found = (index: number, list: Finding[]): boolean => {
    if (list.length === 0) return false;
    findings.push(...list);
    failedAt ??= index;
    return !keepGoing;
  };
  cluster.takeInternalErrors(); // a run answers for its own operations only
  try {
    if (!found(-1, await world.setup()) && !found(-1, await quiesce(world, -1))) {
      let stopped = false;
      for (const [i, op] of ops.entries()) {
        if (Date.now() >= deadline) {
          cutShort = stopped = true;
          break;
        }
        const opStarted = Date.now();
        trace('ops', { i, op });
        const list = await world.execute(op, i);
        if (op.k === 'quiesce') list.push(...(await quiesce(world, i)), ...serverErrors(cluster, i));
        world.time.set(op.k, (world.time.get(op.k) ?? 0) + Date.now() - opStarted);
        if (found(i, list)) {
          stopped = true;
          break;
        }
      }
      if (!stopped) found(ops.length, [...(await quiesce(world, ops.length)), ...serverErrors(cluster, ops.length)]);
    }
  } finally {
    await world.dispose();
  }
  return { ops, failedAt, findings, ms: Date.now() - started, world, cutShort };
}

/**
 * No instance logged an internal error: every failure a client can meet (bad input, refusals,
 * outages, limits) has its own code, so an INTERNAL is a server bug even when the client recovers.
 */
function serverErrors(cluster: Cluster, index: number): Finding[] {
  return cluster.takeInternalErrors().map((line) => ({ invariant: 'no internal server error', detail: `by op #${index}: ${line}` }));
}

/** The shortest list found within the budget that still breaks the first finding's invariant. */
export async function shrink(run: OpsRunner, failure: RunResult, budgetMs: number, log: (line: string) => void): Promise<RunResult> {
  const invariant = failure.findings[0]!.invariant;
  const deadline = Date.now() + budgetMs;
  let list = prefix(failure);
  let best: RunResult = { ...failure, ops: list };
  let chunk = Math.ceil(list.length / 2);
  tries: while (chunk >= 1 && Date.now() < deadline) {
    let progressed = false;
    for (let i = 0; i < list.length && Date.now() < deadline;) {
      const candidate = [...list.slice(0, i), ...list.slice(i + chunk)];
      const result = await run(candidate, deadline);
      if (result.cutShort) break tries;
      const shorter = prefix(result);
      // Dropping the final quiescence changes nothing: the end of a run checks the invariants too.
      if (result.findings.some((f) => f.invariant === invariant) && shorter.length < list.length) {
        best = { ...result, ops: shorter };
        list = shorter;
        progressed = true;
        log(`  shrink: ${list.length} operations still break "${invariant}"`);
      } else {
        i += chunk;
      }
    }
    if (!progressed) chunk = Math.floor(chunk / 2);
  }
  return best;
}

/** The operations up to the failing one, ending with a quiescence so the invariants are checked. */
function prefix(result: RunResult): Op[] {
  const upTo = result.ops.slice(0, Math.max(0, (result.failedAt ?? result.ops.length - 1) + 1));
  return upTo.at(-1)?.k === 'quiesce' ? upTo : [...upTo, { k: 'quiesce' }];
}
