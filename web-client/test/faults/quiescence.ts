/**
 * Quiescence and the invariants checked there. Everything a fault took down comes back (as it
 * would for a user: the network, the servers, PostgreSQL, a fresh token, the closed tabs); then,
 * within a bounded time and without any nudge from the test, every replica must be online, its
 * outbox empty, every document its tabs have open ready, and hold exactly the rows its user may see
 * (I1, tombstones included; documents' events only for the documents its open tabs have open, and
 * rows kept for an open rejection record), with no live row under a tombstoned parent (I6, on the
 * server too); every local write has its fate (I2), no tab was told of a conflict against its own
 * change, and every tab shows its leader's link state.
 */
import type { TidemarkClient } from '../../src/index.js';
import type { Row } from '../../src/replica/types.js';
import type { Device } from './device.js';
import { key, same, type Finding } from './ledger.js';
import type { World } from './world.js';
import { trace, tracing } from './trace.js';

/** How long the replicas may take to settle after the faults are gone; longer is a wedge. */
export const SETTLE_MS = Number(process.env.FAULTS_SETTLE_MS ?? 45_000);
/** Then, how long the replicas may take to hold the server's rows (events in flight). */
const CONVERGE_MS = 15_000;
const TABS_AGREE_MS = 3_000;

export async function quiesce(world: World, index: number): Promise<Finding[]> {
  const findings: Finding[] = [];
  world.quiescences++;
  await world.cluster.heal();
  for (const device of world.devices.values()) {
    device.restore();
    if (device.tokenExpiresAt !== Infinity) await device.refreshToken(); // as an app does on UNAUTHENTICATED
    for (const tab of device.tabs) if (!tab.client) findings.push(...(await world.open(device, tab, index)));
  }
  const settled = new Set<string>();
  const healed = Date.now();
  const deadline = healed + SETTLE_MS;
  for (const device of world.devices.values()) {
    const problem = await settle(device, deadline, world);
    if (problem) findings.push({ invariant: 'no wedge', detail: `at op #${index}, ${device.name}: ${problem}` });
    else settled.add(device.name);
  }
  const settledAt = Date.now();
  world.settleMs += settledAt - healed;
  findings.push(...(await converged(world, [...world.devices.values()].filter((d) => settled.has(d.name)), index)));
  world.convergeMs += Date.now() - settledAt;
  findings.push(...(await serverOrphans(world, index)));
  findings.push(...world.ledger.settle(settled, await serverTombstones(world, settled)).map((f) => ({ ...f, detail: `at op #${index}: ${f.detail}` })));
  for (const device of world.devices.values()) if (settled.has(device.name)) findings.push(...(await tabStates(device, index)));
  return findings;
}

/** Null once the device has one leader tab, online, not syncing, nothing pending, synced at least once, every open document's scope ready. */
async function settle(device: Device, deadline: number, world: World): Promise<string | null> {
  let last = '';
  for (let first = true; first || Date.now() < deadline; first = false) { // devices wait side by side: look at least once
    const tabs = device.openTabs;
    const leaders = tabs.filter((t) => t.client.state.leader);
    const pending = await Promise.all(tabs.map((t) => t.client.replica.pendingCount()));
    const leader = leaders[0]?.client.state;
    if (leaders.length > 1) return `${leaders.length} tabs lead at once (${leaders.map((t) => t.name).join(', ')})`;
    const unready = tabs.flatMap((t) => [...t.docs].filter(([, d]) => !world.apps.settledScopes.has(d.handle)).map(([doc]) => `${t.name}:${doc}`));
    if (leader && leader.online && !leader.syncing && leader.lastSyncAt !== null && pending.every((n) => n === 0) && unready.length === 0) return null;
    last = leader
      ? `leader ${leaders[0]!.name} ${JSON.stringify({ ...leader, pending: pending[0] })}${unready.length ? `; documents open but not ready: ${unready.join(', ')}` : ''}`
      : `no leader among ${tabs.map((t) => `${t.name} ${JSON.stringify(t.client.state)}`).join(', ')}`;
    await new Promise((r) => setTimeout(r, 50));
  }
  return `not settled ${SETTLE_MS} ms after every fault was healed: ${last}`;
}

/** I1 and I6 on each replica, waited for until CONVERGE_MS (events may still be on their way). */
async function converged(world: World, devices: Device[], index: number): Promise<Finding[]> {
  const deadline = Date.now() + CONVERGE_MS;
  let findings: Finding[] = [];
  for (;;) {
    findings = (await Promise.all(devices.map((device) => compare(world, device, index)))).flat();
    if (findings.length === 0 || Date.now() > deadline) return findings;
    await new Promise((r) => setTimeout(r, 200));
  }
}

async function compare(world: World, device: Device, index: number): Promise<Finding[]> {
  const client = device.openTabs[0]!.client;
  const token = device.token;
  const findings: Finding[] = [];
  const local = new Map<string, Map<string, Row>>();
  // The server's rows first: a row written meanwhile would otherwise look missing from the replica.
  // Events: those of the documents the device's open tabs have open.
  const docs = [...device.openDocs];
  const server = await world.cluster.gql<Record<string, Row[]>>(`query($docs: [String]) { ${world.schema.tables
    .map((t) => `${t.queryField}(includeDeleted: true${t.name === 'UserDocumentEvent' ? ', where: {documentUid: {in: $docs}}' : ''}) { ${world.schema.columns(t.name).join(' ')} }`).join(' ')} }`, { docs }, token);
  // Rows the replica keeps out of every scope because the app has not dealt with their rejection yet.
  const kept = new Set((await client.rejections()).map((r) => `${r.table}:${r.uid}`));
  for (const table of world.schema.tables) {
    const columns = world.schema.columns(table.name);
    const mine = new Map((await client.list(table.name, { includeDeleted: true })).map((r) => [r.uid, r]));
    local.set(table.name, mine);
    const theirs = new Map(server[table.queryField]!.map((r) => [r.uid.toLowerCase(), r]));
    world.rowsCompared += theirs.size;
    const diffs: string[] = [];
    for (const [uid, row] of theirs) {
      const held = mine.get(uid);
      if (!held && row.deletedAt == null) diffs.push(`missing ${uid} v${row.version}`);
    }
    for (const [uid, row] of mine) {
      const server = theirs.get(uid);
      if (!server && !kept.has(`${table.name}:${uid}`)) diffs.push(`holds ${uid} v${row.version}${row.deletedAt ? ' (tombstone)' : ''} that the user cannot see on the server (or in no open document)`);
      if (!server) continue;
      const differ = columns.filter((c) => !same(row[c], server[c]));
      if (differ.length) diffs.push(`${uid}: ${differ.map((c) => `${c} ${JSON.stringify(row[c])} ≠ server ${JSON.stringify(server[c])}`).join(', ')}`);
    }
    if (diffs.length && tracing) {
      const uids = diffs.filter((d) => d.startsWith('missing ')).map((d) => d.split(' ')[1]);
      trace(device.name, { missing: table.name, log: await world.cluster.sql('select id, tx::text, table_name, row_uid, row_version, deleted, old_row, changed_at from sync_change where row_uid = any($1) order by id', [uids]) });
    }
    if (diffs.length) {
      findings.push({ invariant: 'I1 convergence', detail: `at op #${index}, ${device.name} ${table.name}: ${diffs.slice(0, 5).join('; ')}${diffs.length > 5 ? ` (+${diffs.length - 5})` : ''}` });
    }
  }
  findings.push(...localOrphans(world, device, local, index));
  return findings;
}

function localOrphans(world: World, device: Device, local: Map<string, Map<string, Row>>, index: number): Finding[] {
  const orphans: string[] = [];
  for (const [table, rows] of local) {
    for (const parent of world.schema.cascadingParents(table)) {
      for (const row of rows.values()) {
        const target = local.get(parent.target)!.get(String(row[parent.foreignKey]));
        if (row.deletedAt == null && target?.deletedAt != null) orphans.push(`${table} ${row.uid} → ${parent.target} ${target.uid}`);
      }
    }
  }
  return orphans.length ? [{ invariant: 'I6 no orphans (client)', detail: `at op #${index}, ${device.name}: ${orphans.slice(0, 5).join('; ')}` }] : [];
}

/** Which rows the settled devices' deletes named are tombstones on the server (as `Table:uid`). */
async function serverTombstones(world: World, devices: Set<string>): Promise<Set<string>> {
  const byTable = new Map<string, string[]>();
  for (const { table, uid } of world.ledger.deletedRows(devices)) byTable.set(table, [...(byTable.get(table) ?? []), uid]);
  const found = new Set<string>();
  for (const [table, uids] of byTable) {
    const rows = await world.cluster.sql<{ uid: string }>(`select uid::text from ${world.schema.table(table).table} where uid = any($1::uuid[]) and deleted_at is not null`, [uids]);
    for (const r of rows) found.add(key(table, r.uid));
  }
  return found;
}

async function serverOrphans(world: World, index: number): Promise<Finding[]> {
  const found: string[] = [];
  for (const table of world.schema.tables) {
    for (const parent of world.schema.cascadingParents(table.name)) {
      const fk = table.columns.find((c) => c.name === parent.foreignKey)!.column;
      const target = world.schema.table(parent.target).table;
      const rows = await world.cluster.sql<{ uid: string }>(`select c.uid::text from ${table.table} c join ${target} p on p.uid = c.${fk}
        where c.deleted_at is null and p.deleted_at is not null limit 5`);
      for (const r of rows) found.push(`${table.name} ${r.uid} → ${parent.target}`);
    }
  }
  return found.length ? [{ invariant: 'I6 no orphans (server)', detail: `at op #${index}: ${found.join('; ')}` }] : [];
}

/**
 * Every tab of a device shows the leader's link state (a tab must not say offline while its leader
 * syncs), within TABS_AGREE_MS: the leader's state reaches the other tabs by message.
 */
async function tabStates(device: Device, index: number): Promise<Finding[]> {
  const tabs = device.openTabs;
  const leader = tabs.find((t) => t.client.state.leader);
  if (!leader) return [];
  const disagree = () => tabs.filter((t) => t !== leader && !sameLink(t.client, leader.client));
  const deadline = Date.now() + TABS_AGREE_MS;
  while (disagree().length > 0 && Date.now() < deadline) await new Promise((r) => setTimeout(r, 50));
  const wrong = disagree();
  return wrong.map((t) => ({
    invariant: 'tabs agree',
    detail: `at op #${index}, ${device.name}: tab ${t.name} shows ${JSON.stringify(t.client.state)} while its leader ${leader.name} shows ${JSON.stringify(leader.client.state)}`,
  }));
}

function sameLink(a: TidemarkClient, b: TidemarkClient): boolean {
  return a.state.online === b.state.online && (a.state.lastSyncAt === null) === (b.state.lastSyncAt === null);
}
