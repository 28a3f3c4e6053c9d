/**
 * One Tidemark server instance: the packaged jar (TIDEMARK_JAR, as `./mvnw package` builds it) run
 * as its own process in the prod profile, on a fixed port so that a restart comes back where the
 * proxies send connections; killed with SIGKILL (no goodbye, requests cut mid-flight).
 */
import { spawn, type ChildProcess } from 'node:child_process';
import { generateKeyPairSync } from 'node:crypto';
import { createWriteStream, existsSync, mkdirSync, type WriteStream } from 'node:fs';
import net from 'node:net';
import { dirname, join, resolve } from 'node:path';
import { fileURLToPath } from 'node:url';

const WEB_CLIENT = resolve(dirname(fileURLToPath(import.meta.url)), '..', '..');

/** Where the fault test writes its logs and minimal failing sequences: ../target/client-faults. */
export const OUTPUT_DIR = resolve(WEB_CLIENT, '..', 'target', 'client-faults');

/** One token key pair for every instance, so a token of one is valid on the other (replicas). */
const KEYS = generateKeyPairSync('rsa', {
  modulusLength: 2048,
  publicKeyEncoding: { type: 'spki', format: 'pem' },
  privateKeyEncoding: { type: 'pkcs8', format: 'pem' },
});

export async function freePort(): Promise<number> {
  const server = net.createServer();
  await new Promise<void>((r) => server.listen(0, '127.0.0.1', r));
  const port = (server.address() as net.AddressInfo).port;
  await new Promise<void>((r) => server.close(() => r()));
  return port;
}

export class ServerProcess {
  private process: ChildProcess | undefined;
  private log: WriteStream | undefined;
  /** Health and metrics are on the management port in the prod profile; kept across restarts. */
  private managementPort: number | undefined;
  starts = 0;
  /** "Internal server error" lines the instance logged (a bug: every expected failure has a code) since last taken. */
  private internalErrors: string[] = [];
  private partialLine = '';

  constructor(
    readonly name: string,
    readonly port: number,
    private readonly jdbcUrl: string,
  ) {}

  get url(): string {
    return `http://127.0.0.1:${this.port}`;
  }

  get alive(): boolean {
    return this.process !== undefined && this.process.exitCode === null && this.process.signalCode === null;
  }

  /** Starts the process and waits until its readiness check answers 200. */
  async start(): Promise<void> {
    const jar = resolve(WEB_CLIENT, process.env.TIDEMARK_JAR ?? '../target/quarkus-app/quarkus-run.jar');
    if (!existsSync(jar)) throw new Error(`No packaged server at ${jar}: run ./mvnw package first, or set TIDEMARK_JAR`);
    mkdirSync(OUTPUT_DIR, { recursive: true });
    this.log ??= createWriteStream(join(OUTPUT_DIR, `server-${this.name}.log`), { flags: 'a' });
    this.log.write(`\n===== start ${++this.starts} at ${new Date().toISOString()} =====\n`);
    // Distinct from the HTTP port: the system may hand out the port just closed again, and the server
    // refuses to start with both on one port.
    while (this.managementPort === undefined || this.managementPort === this.port) this.managementPort = await freePort();
    const java = process.env.JAVA_HOME ? join(process.env.JAVA_HOME, 'bin', 'java') : 'java';
    const child = spawn(java, ['-Xmx256m', '-jar', jar], {
      stdio: ['ignore', 'pipe', 'pipe'],
      env: {
        ...process.env,
        QUARKUS_DATASOURCE_JDBC_URL: this.jdbcUrl,
        QUARKUS_DATASOURCE_USERNAME: 'postgres',
        QUARKUS_DATASOURCE_PASSWORD: 'postgres',
        QUARKUS_HTTP_PORT: String(this.port),
        QUARKUS_HTTP_HOST: '127.0.0.1',
        QUARKUS_MANAGEMENT_PORT: String(this.managementPort),
        QUARKUS_MANAGEMENT_HOST: '127.0.0.1',
        TIDEMARK_REALTIME_POLL_INTERVAL: '200ms',
        MP_JWT_VERIFY_PUBLICKEY: KEYS.publicKey,
        SMALLRYE_JWT_SIGN_KEY: KEYS.privateKey,
        MP_JWT_VERIFY_ISSUER: 'tidemark-dev',
        // Tokens expire when they say, give or take a second (SmallRye's leeway is 60 s by default, and 0
        // means that default): the test's tokens of a few seconds must expire within the run.
        MP_JWT_VERIFY_CLOCK_SKEW: '1',
        TIDEMARK_AUTH_DEV_TOKENS_ENABLED: 'true',
        // Every actor reaches the server from 127.0.0.1 through its proxy, where real devices have an
        // address each: the per-address WebSocket upgrade budget would count them all as one client.
        TIDEMARK_LIMITS_CONNECTIONS_PER_MINUTE: '0',
        // Likewise the per-address request rate (as the Java ITs' servers and the test profile do).
        TIDEMARK_LIMITS_REQUESTS_PER_MINUTE: '1000000',
        TIDEMARK_LIMITS_REQUEST_BURST: '100000',
        // And the requests one address has in flight (every actor's syncs and writes at once).
        TIDEMARK_LIMITS_MAX_REQUESTS_IN_FLIGHT_PER_CLIENT: '0',
      },
    });
    child.stdout!.pipe(this.log, { end: false });
    child.stderr!.pipe(this.log, { end: false });
    child.stdout!.on('data', (chunk: Buffer) => this.scan(chunk.toString('utf8')));
    this.process = child;
    const deadline = Date.now() + 120_000;
    while (Date.now() < deadline) {
      if (!this.alive) throw new Error(`server ${this.name} exited at start-up; see ${join(OUTPUT_DIR, `server-${this.name}.log`)}`);
      try {
        const response = await fetch(`http://127.0.0.1:${this.managementPort}/q/health/ready`, { signal: AbortSignal.timeout(2000) });
        if (response.status === 200) return;
      } catch {
        // not listening yet
      }
      await new Promise((r) => setTimeout(r, 200));
    }
    throw new Error(`server ${this.name} not ready within 120 s`);
  }

  /** The internal errors logged since the last call (each: the log line, cut to 300 characters). */
  takeInternalErrors(): string[] {
    const taken = this.internalErrors;
    this.internalErrors = [];
    return taken;
  }

  private scan(text: string): void {
    const lines = (this.partialLine + text).split('\n');
    this.partialLine = lines.pop() ?? '';
    for (const line of lines) if (line.includes('Internal server error, error id')) this.internalErrors.push(line.slice(0, 300));
  }

  /** SIGKILL, and waits for the process to be gone (its port free for the restart). */
  async kill(): Promise<void> {
    await this.end('SIGKILL');
  }

  /** SIGTERM, as Kubernetes stops a pod. */
  async stop(): Promise<void> {
    await this.end('SIGTERM');
    this.log?.end();
    this.log = undefined;
  }

  private async end(signal: NodeJS.Signals): Promise<void> {
    const child = this.process;
    if (!child || !this.alive) return;
    const exited = new Promise<void>((r) => child.once('exit', () => r()));
    child.kill(signal);
    await exited;
  }
}
