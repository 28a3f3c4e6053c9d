/**
 * The `tidemark-codegen` command: reads a server's syncSchema and GraphQL inputs (from the running
 * server, or from a file holding the answer of the same query) and writes the typed rows,
 * where-inputs and save inputs of its tables (`generate.ts`); `--check` says whether a committed
 * file is still what it would write. The file system and the network come in through `CodegenIo`,
 * so tests run it in-process.
 */
import { GraphQLHttp, type FetchLike } from '../transport/graphql-http.js';
import { CodegenError, generateTypes } from './generate.js';
import { CODEGEN_QUERY, type CodegenAnswer } from './server-contract.js';

export interface CodegenIo {
  readFile(path: string): Promise<string>;
  /** Undefined when there is no such file. */
  readFileIfExists(path: string): Promise<string | undefined>;
  writeFile(path: string, text: string): Promise<void>;
  fetch?: FetchLike;
  out(text: string): void;
  err(text: string): void;
}

export const USAGE = `Usage: tidemark-codegen (--url <server> | --schema <file.json>) [--out <file.ts>] [--check] [--token <jwt>] [--import <module>]
       tidemark-codegen --print-query

  --url <server>     the server's base URL (http://host:port); its schema is read from <server>/graphql
  --schema <file>    a JSON file with the server's answer to the generator's query (--print-query), {"data": ...} or its data
  --out <file.ts>    where to write the types (printed when absent)
  --check            write nothing: exit 1 when <file.ts> differs from what would be written
  --token <jwt>      a bearer token, for a server that hides its schema (a Tidemark server does not)
  --import <module>  the module the filter types come from (default @tidemark/web-client)
  --print-query      print the GraphQL query the generator sends (to save a server's answer for --schema)`;

interface Args {
  url?: string;
  schema?: string;
  out?: string;
  check: boolean;
  printQuery: boolean;
  token?: string;
  importFrom?: string;
}

/** A command line it cannot run: printed with the usage, exit code 2. */
class UsageError extends Error {}

/** Runs the command; resolves to its exit code (0 done, 1 failed or out of date, 2 bad command line). */
export async function runCodegen(argv: string[], io: CodegenIo): Promise<number> {
  let args: Args;
  try {
    args = parseArgs(argv);
  } catch (e) {
    if (!(e instanceof UsageError)) throw e;
    io.err(`tidemark-codegen: ${e.message}\n\n${USAGE}\n`);
    return 2;
  }
  if (args.printQuery) {
    io.out(`${CODEGEN_QUERY}\n`);
    return 0;
  }
  try {
    const answer = args.url ? await fromServer(args.url, args.token, io.fetch) : parseAnswerFile(await io.readFile(args.schema!), args.schema!);
    const { text, warnings } = generateTypes(answer, { importFrom: args.importFrom });
    for (const warning of warnings) io.err(`tidemark-codegen: warning: ${warning}\n`);
    return await emit(text, args, answer.syncSchema.tables.length, io);
  } catch (e) {
    io.err(`tidemark-codegen: ${(e as Error).message}\n`);
    return 1;
  }
}

async function emit(text: string, args: Args, tables: number, io: CodegenIo): Promise<number> {
  if (!args.out) {
    io.out(text);
    return 0;
  }
  if (args.check) {
    const committed = await io.readFileIfExists(args.out);
    if (committed === text) {
      io.out(`${args.out} is up to date (${tables} tables)\n`);
      return 0;
    }
    const what = committed === undefined ? 'does not exist' : 'differs from the server\'s schema';
    io.err(`tidemark-codegen: ${args.out} ${what}; run tidemark-codegen again without --check to write it\n`);
    return 1;
  }
  await io.writeFile(args.out, text);
  io.out(`wrote the types of ${tables} tables to ${args.out}\n`);
  return 0;
}

function parseArgs(argv: string[]): Args {
  const args: Args = { check: false, printQuery: false };
  const valued: Record<string, keyof Args> = { '--url': 'url', '--schema': 'schema', '--out': 'out', '--token': 'token', '--import': 'importFrom' };
  for (let i = 0; i < argv.length; i++) {
    const flag = argv[i]!;
    if (flag === '--check') { args.check = true; continue; }
    if (flag === '--print-query') { args.printQuery = true; continue; }
    if (flag === '--help' || flag === '-h') throw new UsageError('help');
    const key = valued[flag];
    if (!key) throw new UsageError(`unknown option '${flag}'`);
    const value = argv[++i];
    if (value === undefined || value.startsWith('--')) throw new UsageError(`${flag} needs a value`);
    (args as unknown as Record<string, string>)[key] = value;
  }
  if (args.printQuery) return args;
  if ((args.url === undefined) === (args.schema === undefined)) throw new UsageError('give either --url or --schema');
  if (args.check && !args.out) throw new UsageError('--check needs --out, the file to compare');
  return args;
}

async function fromServer(url: string, token: string | undefined, fetchImpl: FetchLike | undefined): Promise<CodegenAnswer> {
  if (!/^https?:\/\//.test(url)) throw new CodegenError(`'${url}' is not an http(s) URL`, '--url');
  const http = new GraphQLHttp(`${url.replace(/\/+$/, '')}/graphql`, fetchImpl, 30_000, token);
  return checkAnswer(await http.request<unknown>(CODEGEN_QUERY), url);
}

/** The answer in a file: the GraphQL response, or its data. */
export function parseAnswerFile(text: string, path: string): CodegenAnswer {
  let json: unknown;
  try {
    json = JSON.parse(text);
  } catch (e) {
    throw new CodegenError(`not JSON (${(e as Error).message})`, path);
  }
  const root = json as { data?: unknown } | null;
  return checkAnswer(root && typeof root === 'object' && 'data' in root ? root.data : root, path);
}

function checkAnswer(data: unknown, source: string): CodegenAnswer {
  const answer = data as Partial<CodegenAnswer> | null;
  if (!answer || typeof answer !== 'object' || !Array.isArray(answer.syncSchema?.tables) || !Array.isArray(answer.__schema?.types)) {
    throw new CodegenError('is not an answer to the generator\'s query: expected {"syncSchema": {"tables": [...]}, "__schema": {"types": [...]}} (see --print-query)', source);
  }
  return answer as CodegenAnswer;
}
