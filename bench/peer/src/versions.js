/** What ran: the versions printed above the table, so two runs can be told apart. */
import { execFileSync, spawnSync } from 'node:child_process';
import { existsSync, readFileSync, statSync } from 'node:fs';
import { join } from 'node:path';

const HERE = new URL('..', import.meta.url).pathname;

function packageVersion(path) {
  const file = join(HERE, 'node_modules', path, 'package.json');
  return existsSync(file) ? JSON.parse(readFileSync(file, 'utf8')).version : '?';
}

function quiet(command, args) {
  try {
    return execFileSync(command, args, { stdio: ['ignore', 'pipe', 'pipe'] }).toString().trim();
  } catch (e) {
    return e.stderr?.toString().trim() ?? '?';
  }
}

/** The Tidemark build: TIDEMARK_COMMIT if given, else the repository's HEAD (and whether its work tree differs). */
function tidemarkCommit(repository, jar) {
  const commit = process.env.TIDEMARK_COMMIT ?? quiet('git', ['-C', repository, 'rev-parse', '--short', 'HEAD']);
  const dirty = !process.env.TIDEMARK_COMMIT && quiet('git', ['-C', repository, 'status', '--porcelain', '--untracked-files=no']) !== '';
  return `${commit}${dirty ? ' (work tree changed)' : ''}, jar ${jar} built ${statSync(jar).mtime.toISOString()}`;
}

export async function versions(sql, repository, jar) {
  const java = process.env.JAVA_HOME ? join(process.env.JAVA_HOME, 'bin', 'java') : 'java';
  const javaVersion = spawnSync(java, ['-version'], { encoding: 'utf8' }); // it prints to stderr
  return {
    node: process.version,
    postgresql: (await sql.query('show server_version')).rows[0].server_version,
    postgraphile: packageVersion('postgraphile'),
    pgPubsub: packageVersion('@graphile/pg-pubsub'),
    graphql: packageVersion('graphql'),
    graphqlWs: packageVersion('graphql-ws'),
    postgraphileGraphqlWs: packageVersion('postgraphile/node_modules/graphql-ws'),
    java: `${javaVersion.stderr || javaVersion.stdout}`.split('\n')[0],
    tidemark: tidemarkCommit(repository, jar),
  };
}
