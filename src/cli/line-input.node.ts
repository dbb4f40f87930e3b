import { createInterface } from 'node:readline';
import type { LineInput } from './io.js';

/**
 * Lines from standard input through one `readline` interface (editing and history on a terminal).
 * Lines that arrive before they are asked for wait in a queue, so answers piped in are not lost;
 * Ctrl-C and Ctrl-D end the input (`read` then resolves to null).
 */
export function stdinLines(): LineInput {
  const rl = createInterface({ input: process.stdin, output: process.stdout, terminal: process.stdin.isTTY === true });
  const queue: string[] = [];
  let waiting: ((line: string | null) => void) | null = null;
  let ended = false;
  rl.on('line', (line) => {
    if (waiting !== null) {
      const w = waiting;
      waiting = null;
      w(line);
    } else queue.push(line);
  });
  const end = (): void => {
    ended = true;
    if (waiting !== null) {
      const w = waiting;
      waiting = null;
      w(null);
    }
  };
  rl.on('close', end);
  rl.on('SIGINT', () => {
    process.stdout.write('\n');
    rl.close();
  });
  const terminal = process.stdin.isTTY === true;
  // NOTE: a terminal shows what is typed; lines piped in are echoed so the transcript reads as a session.
  const echo = (line: string | null): string | null => {
    if (line !== null && !terminal) process.stdout.write(`${line}\n`);
    return line;
  };
  return {
    read(prompt) {
      rl.setPrompt(prompt);
      rl.prompt();
      if (queue.length > 0) return Promise.resolve(echo(queue.shift()!));
      if (ended) return Promise.resolve(null);
      return new Promise((resolve) => {
        waiting = (line) => resolve(echo(line));
      });
    },
    close: () => rl.close(),
  };
}
