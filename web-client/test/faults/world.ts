/**
 * One run of the fault test: four users with row policies (sharing one group, so each sees the
 * others), four devices (device b with two tabs on one replica), the cluster, and the execution of
 * each operation against them. Operations only act; the invariants are checked at quiescence
 * (quiescence.ts). What an operation finds wrong at once (a tab that cannot open) is a finding too.
 */
import type { Row } from '../../src/replica/types.js';
import { LocalWriteError } from '../../src/replica/types.js';
import type { Cluster } from './cluster.js';
import { Device, SLOW_OPEN_MS, type Tab } from './device.js';
import { AppOps } from './app-ops.js';
import { Ledger, type Finding } from './ledger.js';
import { OtherApp } from './other-app.js';
import { faultOf, type DeviceId, type Op, type TabId, type Table } from './ops.js';
import { SchemaFacts } from './schema-facts.js';

export class World {
  readonly devices = new Map<DeviceId, Device>();
  readonly users: string[] = [];
  readonly ledger: Ledger;
  readonly apps: AppOps;
  readonly faults = new Map<string, number>();
  readonly counts = new Map<string, number>();
  /** Milliseconds spent per kind of operation, quiescence checks included (where a run's time goes). */
  readonly time = new Map<string, number>();
  /** Operations that found nothing to act on (no row to pick, tab closed, server already up...). */
  skipped = 0;
  refusedLocally = 0;
  otherAppFailures = 0;
  slowestOpenMs = 0;
  /** Quiescences checked, and rows compared with the server there (I1). */
  quiescences = 0;
  rowsCompared = 0;
  /** Of the quiescences' time: waiting for the replicas to settle, then to hold the server's rows. */
  settleMs = 0;
  convergeMs = 0;

  constructor(
    readonly cluster: Cluster,
    readonly schema: SchemaFacts,
    /** Prefix of every name this run writes: keeps its rows apart from earlier runs' (row policies do the rest). */
    readonly tag: string,
  ) {
    this.ledger = new Ledger(schema.tableOfField, schema.dataColumns);
    this.apps = new AppOps(this);
  }

  async setup(): Promise<Finding[]> {
    await this.cluster.heal();
    for (let i = 0; i < 4; i++) {
      const uid = crypto.randomUUID();
      await this.cluster.gql('mutation($uid: String!, $n: String!) { saveUser(input: {uid: $uid, name: $n}) { uid } }', { uid, n: `${this.tag}u${i}` });
      this.users.push(uid);
    }
    const group = crypto.randomUUID();
    await this.cluster.gql('mutation($uid: String!, $n: String!) { saveGroup(input: {uid: $uid, name: $n}) { uid } }', { uid: group, n: `${this.tag}all` });
    for (const user of this.users) await this.adminJoin(user, group);
    const layout: [DeviceId, string[]][] = [['a', ['a']], ['b', ['b1', 'b2']], ['c', ['c']], ['d', ['d']]];
    const findings: Finding[] = [];
    for (const [i, [name, tabs]] of layout.entries()) {
      const device = await Device.create(this.cluster, this.ledger, name, this.users[i]!, `faults-${this.tag}${name}`, tabs);
      this.devices.set(name, device);
      for (const tab of device.tabs) findings.push(...(await this.open(device, tab, -1)));
    }
    return findings;
  }

  async dispose(): Promise<void> {
    await Promise.all([...this.devices.values()].map((d) => d.dispose()));
  }

  device(tab: TabId): Device {
    return this.devices.get(tab[0] as DeviceId)!;
  }

  /** Runs one operation; returns what it found wrong at once. */
  async execute(op: Op, index: number): Promise<Finding[]> {
    this.counts.set(op.k, (this.counts.get(op.k) ?? 0) + 1);
    const fault = faultOf(op);
    if (fault) this.faults.set(fault, (this.faults.get(fault) ?? 0) + 1);
    switch (op.k) {
      case 'create': case 'join': case 'event': case 'rename': case 'delete': case 'badUid':
        return this.write(op, index);
      case 'admin':
        return this.otherApp(op);
      case 'openDoc': return (await this.apps.openDoc(op)) ? [] : this.skip();
      case 'closeDoc': return this.apps.closeDoc(op) ? [] : this.skip();
      case 'rejection': return (await this.apps.rejection(op, index)) || this.skip();
      case 'netDown': this.devices.get(op.device)!.cut(op.fault, op.signal); return [];
      case 'netUp': this.devices.get(op.device)!.restore(); return [];
      case 'loseAnswer': this.devices.get(op.device)!.proxy.loseNextAnswer(); return [];
      case 'reload': return this.reload(op.tab, index);
      case 'closeLeader': return this.closeLeader();
      case 'crashTab': {
        const b = this.devices.get('b')!;
        const open = b.openTabs;
        if (open.length === 0) return this.skip();
        b.crash(open[op.pick % open.length]!);
        return [];
      }
      case 'openTab': {
        const b = this.devices.get('b')!;
        const closed = b.tabs.find((t) => !t.client);
        return closed ? this.open(b, closed, index) : this.skip();
      }
      // Tokens come from an instance's dev endpoint: with none up, the identity provider is out of reach too.
      case 'expireToken': if (!this.cluster.live()) return this.skip(); await this.devices.get(op.device)!.shortToken(op.seconds); return [];
      case 'refreshToken': if (!this.cluster.live()) return this.skip(); await this.devices.get(op.device)!.refreshToken(); return [];
      case 'kill': await this.cluster.servers[op.server]!.kill(); return [];
      case 'restart': {
        const server = this.cluster.servers[op.server]!;
        // Without PostgreSQL an instance cannot start (its pod would crash-loop): quiescence brings both back.
        if (server.alive || !this.cluster.postgres.isRunning) return this.skip();
        await server.start();
        return [];
      }
      case 'pgStop': if (this.cluster.postgres.isRunning) this.cluster.postgres.stop(op.mode); return [];
      case 'pgStart': if (!this.cluster.postgres.isRunning) this.cluster.postgres.start(); return [];
      case 'pause': await new Promise((r) => setTimeout(r, op.ms)); return [];
      case 'quiesce': return []; // the runner checks the invariants
    }
  }

  /** Opens a tab; a failure or a slow open is a finding (the replica is out of the app's reach). */
  async open(device: Device, tab: Tab, index: number): Promise<Finding[]> {
    const where = `op #${index} ${device.name}/${tab.name}`;
    try {
      const ms = await device.open(tab);
      this.slowestOpenMs = Math.max(this.slowestOpenMs, ms);
      if (ms > SLOW_OPEN_MS) return [{ invariant: 'replica reachable', detail: `${where}: open() took ${ms} ms before the app could read its replica` }];
      return [];
    } catch (e) {
      const cause = (e as { code?: string }).code ?? '';
      const context = device.tokenExpired ? ' (its token had expired)' : '';
      return [{ invariant: 'replica reachable', detail: `${where}: open() failed${context}: ${cause} ${(e as Error).message}` }];
    }
  }

  private skip(): Finding[] {
    this.skipped++;
    return [];
  }

  private async reload(tabId: TabId, index: number): Promise<Finding[]> {
    const device = this.device(tabId);
    const tab = device.tabs.find((t) => t.name === tabId)!;
    await device.close(tab);
    return this.open(device, tab, index);
  }

  private async closeLeader(): Promise<Finding[]> {
    const b = this.devices.get('b')!;
    const leader = b.openTabs.find((t) => t.client.state.leader);
    if (!leader) return this.skip();
    await b.close(leader);
    return [];
  }

  /** An app's write through a tab, recorded in the ledger; a LocalWriteError is the replica refusing at once (fine). */
  private async write(op: Extract<Op, { k: 'create' | 'join' | 'event' | 'rename' | 'delete' | 'badUid' }>, index: number): Promise<Finding[]> {
    const device = this.device(op.tab);
    const client = device.tabs.find((t) => t.name === op.tab)!.client;
    if (!client) return this.skip();
    const live = (table: Table): Promise<Row[]> => client.list(table);
    const pickFrom = <T>(rows: T[], n: number): T | undefined => (rows.length ? rows[n % rows.length] : undefined);
    let table: Table;
    let uid: string | undefined;
    let values: Record<string, unknown> = {};
    let kind: 'save' | 'delete' = 'save';
    const name = `${this.tag}${'name' in op ? op.name : ''}`;
    if (op.k === 'badUid') {
      table = 'Group';
      values = { uid: `not-a-uuid-${op.name}`, name };
    } else if (op.k === 'create') {
      table = op.table;
      values = op.table === 'UserDocument' ? { userUid: device.user, title: name } : { name };
    } else if (op.k === 'join') {
      table = 'UserGroup';
      const user = pickFrom(await live('User'), op.user);
      const group = pickFrom(await live('Group'), op.group);
      if (!user || !group) return this.skip();
      values = { userUid: user.uid, groupUid: group.uid };
    } else if (op.k === 'event') {
      table = 'UserDocumentEvent';
      const doc = pickFrom((await live('UserDocument')).filter((d) => d.userUid === device.user), op.doc);
      if (!doc) return this.skip();
      const tab = device.tabs.find((t) => t.name === op.tab)!;
      if (!tab.docs.has(doc.uid)) this.apps.open(tab, doc.uid); // the app shows the document it adds an event to
      values = { documentUid: doc.uid, kind: op.kind, payload: `${this.tag}${op.kind}` };
    } else {
      table = op.table;
      // Actors' own users stay: deleting one would leave its device with nothing it may write.
      const rows = (await live(table)).filter((r) => table !== 'User' || !(op.k === 'delete' && this.users.includes(r.uid)));
      const row = pickFrom(rows, op.pick);
      if (!row) return this.skip();
      uid = row.uid;
      if (op.k === 'delete') kind = 'delete';
      else values = { uid, [this.schema.labelOf(table)]: name };
    }
    const at = Date.now();
    try {
      const row = kind === 'delete' ? await client.delete(table, uid!) : await client.save(table, values);
      this.ledger.wrote({ device: device.name, tab: op.tab, op: index, table, uid: row.uid, kind, values: withoutUid(values), at });
      return [];
    } catch (e) {
      if (e instanceof LocalWriteError) {
        this.refusedLocally++;
        return [];
      }
      return [{ invariant: 'local write', detail: `op #${index} ${op.tab} ${kind} ${table}: ${(e as Error).message}` }];
    }
  }

  /** Another app writes through GraphQL as an admin, or through SQL. A failure (server or PostgreSQL down) is its own. */
  private async otherApp(op: Extract<Op, { k: 'admin' }>): Promise<Finding[]> {
    try {
      const done = await new OtherApp(this).run(op);
      if (!done) this.skipped++;
    } catch {
      this.otherAppFailures++;
    }
    return [];
  }

  adminJoin(user: string, group: string): Promise<unknown> {
    return this.cluster.gql('mutation($uid: String!, $u: String!, $g: String!) { saveUserGroup(input: {uid: $uid, userUid: $u, groupUid: $g}) { uid } }',
      { uid: crypto.randomUUID(), u: user, g: group });
  }
}

function withoutUid(values: Record<string, unknown>): Record<string, unknown> {
  const { uid: _uid, ...rest } = values;
  return rest;
}
