/**
 * Tidemark under test: its packaged jar (TIDEMARK_JAR, else the repository's
 * target/quarkus-app/quarkus-run.jar) run as its own process in the prod profile against the run's
 * PostgreSQL (Flyway creates the schema at start), and the identity provider whose RS256 tokens it
 * verifies, as in production: no dev-token endpoint, clients send a signed bearer token.
 */
import { execFileSync, spawn } from 'node:child_process';
import { createSign, generateKeyPairSync, randomUUID } from 'node:crypto';
import { existsSync } from 'node:fs';
import { join, resolve } from 'node:path';
import { freePort, waitUntilReady } from './ports.js';
import { rssBytes } from './proc.js';
import { ServerProcess } from './server-process.js';

const ISSUER = 'peer-bench-idp';

export class Tidemark extends ServerProcess {
  constructor(child, port, logFile, managementPort, keys, jar) {
    super(child, port, logFile);
    this.managementPort = managementPort;
    this.keys = keys;
    this.jar = jar;
  }

  static async start({ repository, jdbcUrl, logDir }) {
    const jar = resolve(repository, process.env.TIDEMARK_JAR ?? 'target/quarkus-app/quarkus-run.jar');
    if (!existsSync(jar)) throw new Error(`No packaged server at ${jar}: run ./mvnw -B package -DskipTests first, or set TIDEMARK_JAR`);
    const keys = generateKeyPairSync('rsa', {
      modulusLength: 2048,
      publicKeyEncoding: { type: 'spki', format: 'pem' },
      privateKeyEncoding: { type: 'pkcs8', format: 'pem' },
    });
    const logFile = join(logDir, 'tidemark.log');
    for (let attempt = 1; ; attempt++) {
      const server = await Tidemark.launch(jar, keys, jdbcUrl, logFile);
      try {
        await waitUntilReady(`http://127.0.0.1:${server.managementPort}/q/health/ready`, server.child, 'Tidemark', logFile);
        return server;
      } catch (e) {
        await server.stop();
        // A free port can be taken by another process of the machine before the server binds it.
        if (attempt === 3 || !server.output.includes('Address already in use')) throw e;
      }
    }
  }

  static async launch(jar, keys, jdbcUrl, logFile) {
    // Two distinct ports: the system may hand the port just closed out again, and Vert.x would then
    // share one socket between the HTTP server and the management interface (requests split between them).
    const port = await freePort();
    let managementPort = await freePort();
    while (managementPort === port) managementPort = await freePort();
    const options = (process.env.TIDEMARK_JAVA_OPTS ?? '-Xmx512m').split(/\s+/).filter(Boolean);
    const child = spawn(java('java'), [...options, '-jar', jar], {
      stdio: ['ignore', 'pipe', 'pipe'],
      env: {
        ...process.env,
        QUARKUS_DATASOURCE_JDBC_URL: jdbcUrl,
        QUARKUS_DATASOURCE_USERNAME: 'postgres',
        QUARKUS_DATASOURCE_PASSWORD: 'postgres',
        QUARKUS_HTTP_HOST: '127.0.0.1',
        QUARKUS_HTTP_PORT: String(port),
        QUARKUS_MANAGEMENT_HOST: '127.0.0.1',
        QUARKUS_MANAGEMENT_PORT: String(managementPort),
        MP_JWT_VERIFY_PUBLICKEY: keys.publicKey,
        MP_JWT_VERIFY_ISSUER: ISSUER,
        // Every client of the load generator comes from 127.0.0.1, where real clients have an address
        // each: the per-address budgets would count thousands of clients as one.
        TIDEMARK_LIMITS_CONNECTIONS_PER_MINUTE: '0',
        TIDEMARK_LIMITS_REQUESTS_PER_MINUTE: '1000000',
        TIDEMARK_LIMITS_REQUEST_BURST: '100000',
        TIDEMARK_LIMITS_MAX_CONNECTIONS_PER_CLIENT: '0',
        TIDEMARK_LIMITS_MAX_REQUESTS_IN_FLIGHT_PER_CLIENT: '0',
      },
    });
    return new Tidemark(child, port, logFile, managementPort, keys, jar);
  }

  /** A token for `user` (a uid), in the admin group when `admin`, valid for a day. */
  token(user, admin = false) {
    const now = Math.floor(Date.now() / 1000);
    const part = (value) => Buffer.from(JSON.stringify(value)).toString('base64url');
    const claims = { iss: ISSUER, sub: user, upn: user, groups: admin ? ['admin'] : [], iat: now, exp: now + 86_400, jti: randomUUID() };
    const unsigned = `${part({ alg: 'RS256', typ: 'JWT' })}.${part(claims)}`;
    return `${unsigned}.${createSign('RSA-SHA256').update(unsigned).sign(this.keys.privateKey).toString('base64url')}`;
  }

  /**
   * Resident memory and heap used right after a full collection (jcmd GC.run, then the heap pools of
   * the metrics endpoint on the management port); heap is NaN when jcmd or the metrics are missing.
   */
  async memory() {
    let heap = NaN;
    try {
      execFileSync(java('jcmd'), [String(this.pid), 'GC.run'], { stdio: 'ignore' });
      const metrics = await (await fetch(`http://127.0.0.1:${this.managementPort}/q/metrics`)).text();
      heap = metrics.split('\n')
        .filter((line) => line.startsWith('jvm_memory_used_bytes{') && line.includes('area="heap"'))
        .reduce((sum, line) => sum + Number(line.slice(line.lastIndexOf(' ') + 1)), 0);
    } catch {
      // no jcmd (a JRE) or no metrics: RSS only
    }
    return { rss: rssBytes(this.pid), heap };
  }
}

/** A JDK tool: from JAVA_HOME when set, else the PATH. */
function java(tool) {
  return process.env.JAVA_HOME ? join(process.env.JAVA_HOME, 'bin', tool) : tool;
}
