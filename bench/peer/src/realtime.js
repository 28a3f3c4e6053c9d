/**
 * One realtime measurement: a server, a shape (how many subscribers on which scopes, how many writes
 * a second), run the same way for every server. Memory per idle subscriber (server memory after
 * collecting garbage, before the subscribers connect and once they all receive events, divided by
 * their number), then commit-to-client latency: a writer inserts users into the subscribed scopes
 * at a fixed rate, one transaction each, and every delivery's latency is its arrival at the client
 * minus the moment the writer's commit returned (both clocks are this process's).
 */
import { openSubscribers } from './subscribers.js';
import { percentile, sleep } from './stats.js';
import { cpuSeconds, treeCpuSeconds } from './proc.js';

let phases = 0;

/** `server`: {name, wsUrl, pid, memory(), subscription}; `shape`: one of {@link shapes}. */
export async function measureRealtime(server, shape, { writer, postmasterPid, size, log }) {
  const phase = `${++phases}`;
  const count = shape.subscribers;
  const heard = new Uint8Array(count); // subscriber got a row (probe or write)
  const arrivals = []; // [write, subscriber, time] flattened
  const onRow = (i, name, time) => {
    if (name === null) return; // Tidemark's READY
    heard[i] = 1;
    if (name.startsWith(`w${phase}-`)) arrivals.push(Number(name.slice(phase.length + 2)), i, time);
  };
  const before = await server.memory();
  const subscribers = await openSubscribers(server.wsUrl, server.subscription, count, shape.scopeOfSubscriber, onRow);
  try {
    failOn(subscribers.errors, server, 'subscribing');
    await probe(shape, count, heard, writer, phase, server, subscribers.errors);
    await sleep(1000);
    const after = await server.memory();
    const setupErrors = subscribers.errors.length;
    const cpuBefore = [cpuSeconds(server.pid), treeCpuSeconds(postmasterPid), performance.now()];
    const run = await writeAndWait(shape, size, writer, phase, arrivals, count);
    const seconds = (performance.now() - cpuBefore[2]) / 1000;
    const result = summarize(run, arrivals, count, size);
    // A connection the server or the client dropped during the run is a result, not a harness failure.
    result.dropped = subscribers.errors.length - setupErrors;
    result.firstError = subscribers.errors[setupErrors];
    result.memory = { rss: (after.rss - before.rss) / count, heap: (after.heap - before.heap) / count };
    result.cpu = { server: (cpuSeconds(server.pid) - cpuBefore[0]) / seconds, postgres: (treeCpuSeconds(postmasterPid) - cpuBefore[1]) / seconds };
    log(`  ${server.name}: p50 ${result.p50.toFixed(1)} ms, p99 ${result.p99.toFixed(1)} ms, ${result.delivered}/${result.expected} delivered`
      + ` (${Math.round(result.perSecond)}/s), ${Math.round(result.memory.rss)} B RSS per idle subscriber`
      + (result.dropped ? `, ${result.dropped} connections dropped (${result.firstError})` : ''));
    return result;
  } finally {
    await subscribers.close();
    await untilQuiet(server.pid, size.quietSeconds);
  }
}

function failOn(errors, server, when) {
  if (errors.length > 0) throw new Error(`${server.name}: ${errors.length} errors while ${when}, first: ${errors.slice(0, 3).join(' | ')}`);
}

/** Writes a row into each scope whose subscribers have not all heard one, until all have: they are live. */
async function probe(shape, count, heard, writer, phase, server, errors) {
  const deadline = Date.now() + 120_000;
  for (let round = 0; ; round++) {
    const deaf = [];
    for (let i = 0; i < count; i++) if (!heard[i]) deaf.push(i);
    if (deaf.length === 0) return;
    if (Date.now() > deadline || errors.length > 0) {
      throw new Error(`${server.name}: ${deaf.length} of ${count} subscribers received nothing within 120 s of probe writes`
        + (errors.length ? `; errors: ${errors.slice(0, 3).join(' | ')}` : ''));
    }
    const scopes = new Set(deaf.map((i) => shape.scopeOfSubscriber(i)));
    let n = 0;
    for (const scope of scopes) await writer.insert(scope, `p${phase}-${round}-${n++}`);
    const waitUntil = Date.now() + 3000;
    while (Date.now() < waitUntil && deaf.some((i) => !heard[i])) await sleep(50);
  }
}

/** Warm-up writes, then the measured ones, at the shape's rate; waits for their deliveries (at most drainSeconds). */
async function writeAndWait(shape, size, writer, phase, arrivals, count) {
  const rate = shape.writesPerSecond;
  const warmupWrites = rate * size.warmupSeconds;
  const total = warmupWrites + rate * size.seconds;
  const committed = new Float64Array(total);
  const expectedPerWrite = (w) => shape.subscribersOfScope(shape.scopeOfWrite(w));
  let expected = 0;
  for (let w = warmupWrites; w < total; w++) expected += expectedPerWrite(w);
  const start = performance.now();
  let measuredStart = start;
  for (let w = 0; w < total; w++) {
    const due = start + (w * 1000) / rate;
    const now = performance.now();
    if (due > now) await sleep(due - now);
    if (w === warmupWrites) measuredStart = performance.now();
    await writer.insert(shape.scopeOfWrite(w), `w${phase}-${w}`);
    committed[w] = performance.now();
  }
  const writesEnd = performance.now();
  const measuredArrivals = () => {
    let n = 0;
    for (let k = 0; k < arrivals.length; k += 3) if (arrivals[k] >= warmupWrites) n++;
    return n;
  };
  const drainDeadline = writesEnd + size.drainSeconds * 1000;
  while (performance.now() < drainDeadline && measuredArrivals() < expected) await sleep(100);
  return { committed, warmupWrites, total, expected, start, measuredStart, writesEnd };
}

/**
 * Latency percentiles over every expected delivery of the measured writes, one never delivered
 * counting as infinitely late (shown as more than the drain time); deliveries/s over all writes,
 * warm-up included, from the first write to the last delivery.
 */
function summarize(run, arrivals, count, size) {
  const latencies = [];
  const seen = new Set();
  let duplicates = 0;
  let all = 0;
  let last = run.writesEnd;
  for (let k = 0; k < arrivals.length; k += 3) {
    const [w, i, time] = [arrivals[k], arrivals[k + 1], arrivals[k + 2]];
    const key = w * count + i;
    if (seen.has(key)) {
      duplicates++;
      continue;
    }
    seen.add(key);
    all++;
    last = Math.max(last, time);
    if (w >= run.warmupWrites) latencies.push(Math.max(0, time - run.committed[w]));
  }
  const delivered = latencies.length;
  const withMissing = latencies.concat(new Array(Math.max(0, run.expected - delivered)).fill(Infinity));
  const writeSeconds = (run.writesEnd - run.measuredStart) / 1000;
  return {
    p50: percentile(withMissing, 0.5),
    p99: percentile(withMissing, 0.99),
    max: delivered > 0 ? latencies.reduce((a, b) => Math.max(a, b)) : NaN,
    delivered,
    expected: run.expected,
    duplicates,
    drainSeconds: size.drainSeconds,
    perSecond: all / ((last - run.start) / 1000),
    writesPerSecond: (run.total - run.warmupWrites) / writeSeconds,
  };
}

/** Waits until the server process uses under 5 % of a core (a backlog it still works off would slow the next measurement). */
async function untilQuiet(pid, seconds) {
  const deadline = Date.now() + seconds * 1000;
  let previous = cpuSeconds(pid);
  while (Date.now() < deadline) {
    await sleep(1000);
    const now = cpuSeconds(pid);
    if (now - previous < 0.05) return;
    previous = now;
  }
}

/** The two shapes of issue 18: many subscribers on one scope, and subscribers each on a scope of its own. */
export function shapes(size) {
  const one = 'one@bench';
  const distinct = (i) => `d${i}@bench`;
  return [
    {
      key: 'one',
      title: `${size.oneScopeSubscribers.toLocaleString('en')} subscribers on one scope, ${size.oneScopeWritesPerSecond} writes/s`,
      subscribers: size.oneScopeSubscribers,
      writesPerSecond: size.oneScopeWritesPerSecond,
      scopeOfSubscriber: () => one,
      scopeOfWrite: () => one,
      subscribersOfScope: () => size.oneScopeSubscribers,
    },
    {
      key: 'distinct',
      title: `${size.distinctSubscribers.toLocaleString('en')} subscribers on distinct scopes, ${size.distinctWritesPerSecond} writes/s`,
      subscribers: size.distinctSubscribers,
      writesPerSecond: size.distinctWritesPerSecond,
      scopeOfSubscriber: distinct,
      scopeOfWrite: (w) => distinct(w % size.distinctSubscribers),
      subscribersOfScope: () => 1,
    },
  ];
}
