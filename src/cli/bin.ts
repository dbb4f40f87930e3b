#!/usr/bin/env node
import { nodeIo } from '../node.js';
import { errorLine, main } from './main.js';

main(process.argv.slice(2), nodeIo()).then(
  (status) => {
    process.exitCode = status;
  },
  (e: unknown) => {
    process.stderr.write(`backprop: internal error: ${errorLine(e instanceof Error ? e.message : String(e))}\n`);
    process.exitCode = 1;
  },
);
