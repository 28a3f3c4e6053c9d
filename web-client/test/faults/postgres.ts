/**
 * A PostgreSQL cluster of its own for the fault test, made with the machine's PostgreSQL binaries
 * (Debian's `postgresql-15`: initdb, pg_ctl) in a temporary directory, so the test can stop and
 * start it on the same data directory, crash included (the embedded zonky PostgreSQL of the Java
 * tests cannot be restarted on its data directory). As root the binaries run as `postgres`.
 */
import { execFileSync, type ExecFileSyncOptions } from 'node:child_process';
import { chownSync, existsSync, mkdtempSync, readdirSync, rmSync } from 'node:fs';
import { tmpdir, userInfo } from 'node:os';
import { join } from 'node:path';

/** The directory of initdb and pg_ctl: PG_BIN, else the newest /usr/lib/postgresql/<major>/bin. */
function binaries(): string {
  if (process.env.PG_BIN) return process.env.PG_BIN;
  const root = '/usr/lib/postgresql';
  const majors = existsSync(root) ? readdirSync(root).filter((d) => existsSync(join(root, d, 'bin', 'pg_ctl'))) : [];
  const newest = majors.sort((a, b) => Number(b) - Number(a))[0];
  if (!newest) throw new Error('No PostgreSQL binaries: install postgresql (apt) or set PG_BIN to the directory of initdb and pg_ctl');
  return join(root, newest, 'bin');
}

export class Postgres {
  private running = false;

  private constructor(
    private readonly bin: string,
    readonly dataDir: string,
    readonly port: number,
    private readonly asPostgres: boolean,
  ) {}

  /** initdb in a fresh temporary directory (trust authentication, user `postgres`), then start. */
  static async create(port: number): Promise<Postgres> {
    const asPostgres = userInfo().uid === 0; // PostgreSQL refuses to run as root
    const dataDir = mkdtempSync(join(tmpdir(), 'tidemark-faults-pg-'));
    if (asPostgres) {
      const ids = execFileSync('id', ['-u', 'postgres']).toString().trim();
      const gid = execFileSync('id', ['-g', 'postgres']).toString().trim();
      chownSync(dataDir, Number(ids), Number(gid));
    }
    const pg = new Postgres(binaries(), dataDir, port, asPostgres);
    pg.run('initdb', ['-D', dataDir, '-U', 'postgres', '--auth=trust', '--no-sync', '-E', 'UTF8', '--locale=C']);
    pg.start();
    return pg;
  }

  get jdbcUrl(): string {
    return `jdbc:postgresql://127.0.0.1:${this.port}/postgres`;
  }

  get connection(): { host: string; port: number; user: string; database: string } {
    return { host: '127.0.0.1', port: this.port, user: 'postgres', database: 'postgres' };
  }

  get isRunning(): boolean {
    return this.running;
  }

  start(): void {
    const options = `-p ${this.port} -k ${this.dataDir} -c listen_addresses=127.0.0.1 -c fsync=off -c max_connections=200`;
    this.run('pg_ctl', ['-D', this.dataDir, '-o', options, '-l', join(this.dataDir, 'server.log'), '-w', '-t', '60', 'start']);
    this.running = true;
  }

  /** `immediate` is a crash (no checkpoint: recovery from the WAL at the next start); `fast` a clean stop. */
  stop(mode: 'fast' | 'immediate'): void {
    this.run('pg_ctl', ['-D', this.dataDir, '-m', mode, '-w', '-t', '60', 'stop']);
    this.running = false;
  }

  destroy(): void {
    try {
      if (this.running) this.stop('immediate');
    } finally {
      rmSync(this.dataDir, { recursive: true, force: true });
    }
  }

  private run(tool: string, args: string[]): void {
    const path = join(this.bin, tool);
    const options: ExecFileSyncOptions = { stdio: ['ignore', 'pipe', 'pipe'], cwd: tmpdir() };
    try {
      if (this.asPostgres) execFileSync('runuser', ['-u', 'postgres', '--', path, ...args], options);
      else execFileSync(path, args, options);
    } catch (e) {
      const err = e as { stderr?: Buffer; stdout?: Buffer; message: string };
      throw new Error(`${tool} ${args.join(' ')} failed: ${err.stderr?.toString() || err.stdout?.toString() || err.message}`);
    }
  }
}
