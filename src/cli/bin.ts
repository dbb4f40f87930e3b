#!/usr/bin/env node
import { nodeIo, stdWriter } from '../node.js';
import { errorLine, main } from './main.js';

// NOTE: a write to stdout fails after the call that made it (an 'error' event); when the stream
// failed for a reason other than its reader leaving (`> /dev/full`, a full disk), what went there
// is incomplete, so a run that would end with 0 says so and ends with 2.
process.on('exit', (code) => {
  const failure = stdWriter(process.stdout).failure;
  if (failure === null || code !== 0) return;
  process.stderr.write(`backprop: standard output: cannot write (${failure}); what was written there is incomplete\n`);
  process.exitCode = 2;
});

main(process.argv.slice(2), nodeIo()).then(
  (status) => {
    process.exitCode = status;
  },
  (e: unknown) => {
    process.stderr.write(`backprop: internal error: ${errorLine(e instanceof Error ? e.message : String(e))}\n`);
    process.exitCode = 1;
  },
);
