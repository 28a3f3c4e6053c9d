/**
 * The run's one table (Markdown, so it can be pasted into docs/benchmarks.md as it is): each
 * measure for PostGraphile, Tidemark and the floor, with Tidemark / PostGraphile and Tidemark /
 * floor. A ratio above 1 means Tidemark takes more (time, memory) or, for deliveries/s, delivers more.
 */
import { percentile, ratio } from './stats.js';

const DASH = '–';

export function table({ lists, queries, realtime, shapes }) {
  const rows = [];
  for (const q of queries) {
    for (const [label, p] of [['p50', 0.5], ['p99', 0.99]]) {
      const pg = percentile(lists[q.key].postgraphile, p);
      const user = percentile(lists[q.key]['tidemark-user'], p);
      const admin = percentile(lists[q.key]['tidemark-admin'], p);
      rows.push([`${q.title}, ${label}`, ms(pg), `${ms(user)} / ${ms(admin)}`, DASH,
        `${times(ratio(user, pg))} / ${times(ratio(admin, pg))}`, DASH]);
    }
  }
  for (const shape of shapes) {
    const r = realtime[shape.key];
    const line = (label, value, format) => {
      const [pg, tm, floor] = ['postgraphile', 'tidemark', 'floor'].map((s) => value(r[s]));
      rows.push([`${shape.title}: ${label}`, format(pg, r.postgraphile), format(tm, r.tidemark), format(floor, r.floor),
        times(ratio(tm, pg)), times(ratio(tm, floor))]);
    };
    line('commit → client p50', (x) => x.p50, latency);
    line('commit → client p99', (x) => x.p99, latency);
    line('deliveries/s (of the measured writes: delivered of expected)', (x) => x.perSecond, deliveries);
    line('memory per idle subscriber (RSS delta / count)', (x) => x.memory.rss, rss);
    line('heap per idle subscriber (after GC)', (x) => x.memory.heap, bytes);
    line('server CPU during the writes (cores)', (x) => x.cpu.server, (v, x) => `${v.toFixed(2)} (PostgreSQL ${x.cpu.postgres.toFixed(2)})`);
  }
  const header = ['measure', 'PostGraphile', 'Tidemark', 'floor (graphql-ws)', 'Tidemark / PostGraphile', 'Tidemark / floor'];
  return [header, header.map((_, i) => (i === 0 ? '---' : '---:')), ...rows].map((r) => `| ${r.join(' | ')} |`).join('\n');
}

function ms(value) {
  if (!Number.isFinite(value)) return DASH;
  return value < 10 ? `${value.toFixed(2)} ms` : value < 1000 ? `${value.toFixed(1)} ms` : `${(value / 1000).toFixed(2)} s`;
}

/** A latency; one past the end of the run is a delivery that never came (within the drain time after the last write). */
function latency(value, result) {
  return value === Infinity ? `> ${result.drainSeconds} s (not delivered)` : ms(value);
}

function deliveries(value, x) {
  const notes = [`${x.delivered.toLocaleString('en')} of ${x.expected.toLocaleString('en')}`];
  if (x.duplicates) notes.push(`${x.duplicates} twice`);
  if (x.dropped) notes.push(`${x.dropped} connections dropped`);
  return `${Math.round(value).toLocaleString('en')}/s (${notes.join(', ')})`;
}

/**
 * A resident-memory delta. A JVM's RSS can fall while subscribers connect (the full collection before
 * each reading lets G1 give memory back), so a negative delta measures the collector, not the
 * subscribers: it is shown as such, never as a negative size per subscriber.
 */
function rss(value) {
  return value < 0 ? `${DASH} (RSS fell by ${bytes(-value)} per subscriber: memory returned by the collector)` : bytes(value);
}

function bytes(value) {
  if (!Number.isFinite(value)) return DASH;
  return Math.abs(value) < 1024 ? `${Math.round(value)} B` : `${(value / 1024).toFixed(1)} KiB`;
}

function times(value) {
  // A negative ratio only comes from a negative RSS delta (see rss), which is no size to compare.
  return Number.isFinite(value) && value >= 0 ? `${value < 10 ? value.toFixed(2) : value.toFixed(1)}×` : DASH;
}
