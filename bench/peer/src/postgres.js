/**
 * The one PostgreSQL of a run: a cluster of its own made with Debian's pg_createcluster (package
 * postgresql, which .ci/run installs; run as root) on a free port, trust authentication on
 * 127.0.0.1, dropped at the end. Every server under test and the load generator use it.
 */
import { execFileSync } from 'node:child_process';
import { existsSync, readFileSync, readdirSync } from 'node:fs';
import { freePort } from './ports.js';

const PREFIX = 'peerbench-';

export class Cluster {
  constructor(version, name, port) {
    this.version = version;
    this.name = name;
    this.port = port;
  }

  /**
   * Creates and starts the cluster `peerbench-<pid>` on a free port, after dropping those a killed
   * run left behind; tries again on another port when another process took the free one first.
   */
  static async create() {
    if (!existsSync('/usr/bin/pg_createcluster')) {
      throw new Error('No pg_createcluster: install the PostgreSQL server (apt-get install postgresql; .ci/run does) and run as root');
    }
    const version = newestVersion();
    dropAbandoned(version);
    for (let attempt = 1; ; attempt++) {
      const cluster = new Cluster(version, PREFIX + process.pid, await freePort());
      try {
        run('pg_createcluster', [version, cluster.name, '--port', String(cluster.port), '--start',
          // fsync off: the servers share the database, and latency is measured from the writer's commit.
          '-o', 'max_connections=200', '-o', 'fsync=off',
          '--', '--auth-host=trust', '--auth-local=trust']);
        return cluster;
      } catch (e) {
        if (existsSync(`/etc/postgresql/${version}/${cluster.name}`)) cluster.drop();
        if (attempt === 3 || !e.message.includes('Address already in use')) throw e;
      }
    }
  }

  get connection() {
    return { host: '127.0.0.1', port: this.port, user: 'postgres', database: 'postgres' };
  }

  get url() {
    return `postgres://postgres@127.0.0.1:${this.port}/postgres`;
  }

  get jdbcUrl() {
    return `jdbc:postgresql://127.0.0.1:${this.port}/postgres`;
  }

  /** The postmaster's process id (its backends are its children). */
  postmasterPid() {
    const file = `/var/lib/postgresql/${this.version}/${this.name}/postmaster.pid`;
    return Number(readFileSync(file, 'utf8').split('\n')[0]);
  }

  drop() {
    run('pg_dropcluster', [this.version, this.name, '--stop']);
  }
}

/** Clusters of this harness whose run (the process id in their name) is gone. */
function dropAbandoned(version) {
  const dir = `/etc/postgresql/${version}`;
  for (const name of existsSync(dir) ? readdirSync(dir) : []) {
    const pid = Number(name.slice(PREFIX.length));
    if (name.startsWith(PREFIX) && Number.isInteger(pid) && !existsSync(`/proc/${pid}`)) {
      run('pg_dropcluster', [version, name, '--stop']);
    }
  }
}

function newestVersion() {
  const root = '/usr/lib/postgresql';
  const versions = existsSync(root) ? readdirSync(root).filter((v) => /^\d+$/.test(v)) : [];
  if (versions.length === 0) throw new Error('No PostgreSQL server under /usr/lib/postgresql (apt-get install postgresql)');
  return versions.sort((a, b) => Number(b) - Number(a))[0];
}

function run(tool, args) {
  try {
    execFileSync(tool, args, { stdio: ['ignore', 'pipe', 'pipe'] });
  } catch (e) {
    throw new Error(`${tool} ${args.join(' ')} failed: ${e.stderr?.toString() || e.message}`);
  }
}
