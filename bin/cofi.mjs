#!/usr/bin/env node
// The cofi command-line tool on the WebAssembly build: the same C++ code as build/native/cofi,
// the same flags and the same output.
import { readFileSync, writeFileSync } from 'node:fs';
import createCofiCli from '../dist/cofi-cli.mjs';

const cli = await createCofiCli();
const result = cli.runCli(
  process.argv.slice(2),
  (path) => {
    try {
      return readFileSync(path);
    } catch (e) {
      // The same words as the native tool's (strerror), so both print the same line.
      const reasons = { ENOENT: 'No such file or directory', EISDIR: 'Is a directory', EACCES: 'Permission denied' };
      return { error: `cannot read ${path}: ${reasons[e.code] ?? e.message}` };
    }
  },
  (path, bytes) => {
    try {
      writeFileSync(path, bytes);
      return null;
    } catch (e) {
      return { error: `cannot write ${path}: ${e.message}` };
    }
  },
);
process.stdout.write(result.stdout);
process.stderr.write(result.stderr);
process.exitCode = result.status;
