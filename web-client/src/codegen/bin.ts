#!/usr/bin/env node
/** The `tidemark-codegen` executable: `runCodegen` on Node's file system, fetch and standard streams. */
import { readFile, writeFile } from 'node:fs/promises';
import { runCodegen } from './cli.js';

process.exitCode = await runCodegen(process.argv.slice(2), {
  readFile: (path) => readFile(path, 'utf8'),
  readFileIfExists: async (path) => {
    try {
      return await readFile(path, 'utf8');
    } catch (e) {
      if ((e as { code?: string }).code === 'ENOENT') return undefined;
      throw e;
    }
  },
  writeFile: (path, text) => writeFile(path, text, 'utf8'),
  out: (text) => process.stdout.write(text),
  err: (text) => process.stderr.write(text),
});
