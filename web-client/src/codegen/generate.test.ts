import { describe, expect, it } from 'vitest';
import answerJson from '../test-support/demo-codegen-answer.json' with { type: 'json' };
import { runCodegen, type CodegenIo } from './cli.js';
import { CodegenError, generateTypes } from './generate.js';
import type { CodegenAnswer } from './server-contract.js';

const demo = answerJson as unknown as CodegenAnswer;

/** A copy of the demo answer changed by `edit`. */
function changed(edit: (answer: CodegenAnswer) => void): CodegenAnswer {
  const copy = structuredClone(demo);
  edit(copy);
  return copy;
}

/** The command run in-process on an in-memory file system. */
function io(files: Record<string, string> = {}): CodegenIo & { files: Record<string, string>; stdout: string; stderr: string } {
  const state = {
    files, stdout: '', stderr: '',
    readFile: async (path: string) => {
      if (!(path in files)) throw new Error(`ENOENT: ${path}`);
      return files[path]!;
    },
    readFileIfExists: async (path: string) => files[path],
    writeFile: async (path: string, text: string) => { files[path] = text; },
    out: (text: string) => { state.stdout += text; },
    err: (text: string) => { state.stderr += text; },
  };
  return state;
}

/** The demo answer from a server whose UserWhere lacks a column syncSchema lists. */
const withoutUserCreatedBy = changed((a) => {
  const where = a.__schema.types.find((t) => t.name === 'UserWhere')!;
  where.inputFields = where.inputFields!.filter((f) => f.name !== 'createdBy');
});

describe('the types generated for the demo server', () => {
  it('should be the committed demo/src/tidemark-types.ts (regenerate: vitest -u; the integration suite checks it against the running server)', async () => {
    await expect(generateTypes(demo).text).toMatchFileSnapshot('../../demo/src/tidemark-types.ts');
  });

  it('should type rows from syncSchema, and wheres and inputs as the server accepts them', () => {
    const { text } = generateTypes(demo);
    expect(text).toContain('export type User = {\n  uid: string;\n  createdAt: string;\n  createdBy: string | null;');
    expect(text).toContain('  version: number;');
    expect(text).toContain('  memberships?: ListWhere<UserGroupWhere> | null;');
    expect(text).toContain('  group?: GroupWhere | null;');
    expect(text).toMatch(/export interface UserInput \{[^}]*  email\?: string \| null;\n  name: string;\n\}/);
    expect(text).toContain("import type { DateTimeFilter, ListWhere, StringFilter, UuidFilter, VersionFilter } from '@tidemark/web-client';");
  });

  it('should find the server and syncSchema agreeing on every where field (SyncSchemaTest checks the server)', () => {
    const { text, warnings } = generateTypes(demo);
    expect(warnings).toEqual([]);
    expect(text).toMatch(/interface UserWhere \{[^}]*  createdBy\?: UuidFilter \| null;/);
    expect(text).not.toMatch(/interface UserInput \{[^}]*createdBy/);
  });

  it('should leave out, with a warning, a column the server\'s where-input lacks', () => {
    const { text, warnings } = generateTypes(withoutUserCreatedBy);
    expect(warnings).toEqual(["User.createdBy: the server's UserWhere has no 'createdBy'; left out of UserWhere"]);
    expect(text).not.toMatch(/interface UserWhere \{[^}]*createdBy/);
  });

  it('should leave out, with a warning, a where field the replica cannot evaluate', () => {
    const answer = changed((a) => {
      a.__schema.types.find((t) => t.name === 'GroupWhere')!.inputFields!.push({ name: 'memberCount', type: { kind: 'INPUT_OBJECT', name: 'IntFilter' } });
    });
    expect(generateTypes(answer).warnings).toContain("Group.memberCount: the server's GroupWhere has 'memberCount', which the replica cannot evaluate (not in syncSchema); left out");
  });

  it('should import the filter types from the module given', () => {
    expect(generateTypes(demo, { importFrom: '../lib/index.js' }).text).toContain("from '../lib/index.js';");
  });
});

describe('schemas the generator refuses', () => {
  it('should refuse a table whose name is not an identifier', () => {
    const answer = changed((a) => { a.syncSchema.tables[0]!.name = 'My Group'; });
    expect(() => generateTypes(answer)).toThrow(new CodegenError("'My Group' is not a TypeScript identifier", 'tables.name'));
  });

  it('should refuse two tables whose types would share a name', () => {
    const answer = changed((a) => { a.syncSchema.tables[1]!.name = 'GroupInput'; });
    expect(() => generateTypes(answer)).toThrow("GroupInput: the type GroupInput it needs is already a type of table Group; rename the table");
  });

  it('should refuse a relation to a table the schema does not list', () => {
    const answer = changed((a) => { a.syncSchema.tables = a.syncSchema.tables.filter((t) => t.name !== 'UserGroup'); });
    expect(() => generateTypes(answer)).toThrow("Group.memberships: refers to table 'UserGroup', which the schema does not list");
  });

  it('should refuse a table whose query the server lacks', () => {
    const answer = changed((a) => { a.syncSchema.tables[0]!.queryField = 'teams'; });
    expect(() => generateTypes(answer)).toThrow('Group: the server has no Query.teams(where: ...) although syncSchema names it');
  });
});

describe('the tidemark-codegen command', () => {
  const answer = JSON.stringify({ data: demo });

  it('should write the types from a schema file, and print the warnings', async () => {
    const fs = io({ 'answer.json': answer, 'partial.json': JSON.stringify({ data: withoutUserCreatedBy }) });
    expect(await runCodegen(['--schema', 'answer.json', '--out', 'types.ts'], fs)).toBe(0);
    expect(fs.files['types.ts']).toBe(generateTypes(demo).text);
    expect(fs.stdout).toBe('wrote the types of 5 tables to types.ts\n');
    expect(fs.stderr).toBe('');
    expect(await runCodegen(['--schema', 'partial.json', '--out', 'partial.ts'], fs)).toBe(0);
    expect(fs.stderr).toBe("tidemark-codegen: warning: User.createdBy: the server's UserWhere has no 'createdBy'; left out of UserWhere\n");
  });

  it('should check a file: 0 when up to date, 1 when it differs or is missing, writing nothing', async () => {
    const text = generateTypes(demo).text;
    expect(await runCodegen(['--schema', 'a.json', '--out', 't.ts', '--check'], io({ 'a.json': answer, 't.ts': text }))).toBe(0);
    const stale = io({ 'a.json': answer, 't.ts': text.replace('name: string;', 'name: number;') });
    expect(await runCodegen(['--schema', 'a.json', '--out', 't.ts', '--check'], stale)).toBe(1);
    expect(stale.stderr).toContain('t.ts differs from the server\'s schema; run tidemark-codegen again without --check to write it');
    expect(stale.files['t.ts']).toContain('name: number;');
    const missing = io({ 'a.json': answer });
    expect(await runCodegen(['--schema', 'a.json', '--out', 'missing.ts', '--check'], missing)).toBe(1);
    expect(missing.stderr).toContain('missing.ts does not exist; run tidemark-codegen again without --check to write it');
  });

  it('should read the answer from a server', async () => {
    const fs = io();
    const requests: string[] = [];
    fs.fetch = async (url, init) => {
      requests.push(`${url} ${init.headers.authorization ?? 'anonymous'} ${(JSON.parse(init.body) as { query: string }).query.slice(0, 23)}`);
      return { ok: true, status: 200, json: async () => ({ data: demo }) };
    };
    expect(await runCodegen(['--url', 'http://server:8080/', '--token', 'abc'], fs)).toBe(0);
    expect(requests).toEqual(['http://server:8080/graphql Bearer abc query TidemarkCodegen {']);
    expect(fs.stdout).toBe(generateTypes(demo).text);
  });

  it('should say what is wrong with a command line, and exit 2', async () => {
    for (const [argv, message] of [
      [[], 'give either --url or --schema'],
      [['--url', 'http://a', '--schema', 'b'], 'give either --url or --schema'],
      [['--schema'], '--schema needs a value'],
      [['--schema', 'a', '--check'], '--check needs --out, the file to compare'],
      [['--ouput', 'x'], "unknown option '--ouput'"],
    ] as const) {
      const fs = io();
      expect(await runCodegen([...argv], fs)).toBe(2);
      expect(fs.stderr).toMatch(new RegExp(`^tidemark-codegen: ${message.replace(/[-[\]()]/g, '\\$&')}\n\nUsage: tidemark-codegen`));
    }
  });

  it('should say which file is not an answer, and exit 1', async () => {
    const fs = io({ 'bad.json': '{"data": {"syncSchema": {"tables": []}}}', 'text.json': 'not json' });
    expect(await runCodegen(['--schema', 'bad.json'], fs)).toBe(1);
    expect(fs.stderr).toContain('bad.json: is not an answer to the generator\'s query');
    expect(await runCodegen(['--schema', 'text.json'], fs)).toBe(1);
    expect(fs.stderr).toContain('text.json: not JSON');
    expect(await runCodegen(['--url', 'server:8080'], fs)).toBe(1);
    expect(fs.stderr).toContain("--url: 'server:8080' is not an http(s) URL");
  });

  it('should print its query', async () => {
    const fs = io();
    expect(await runCodegen(['--print-query'], fs)).toBe(0);
    expect(fs.stdout).toMatch(/^query TidemarkCodegen \{ syncSchema \{ version [^]*__schema \{ queryType/);
  });
});
