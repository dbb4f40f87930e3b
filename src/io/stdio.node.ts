// Standard output and error that a closed reader cannot crash (`backprop … | head -1`).
import { systemMessage } from './atomic-write.node.js';

/** A writer to stdout or stderr: text or bytes, and whether its reader has gone. */
export interface StdWriter {
  (data: string | Uint8Array): void;
  /** True once the reader closed the pipe (or the stream failed): later writes are dropped. */
  readonly closed: boolean;
  /**
   * Why the stream failed, in words, when it was not its reader going away: `no space left on the
   * device` for `> /dev/full` or a full disk. Null while it works, and after EPIPE (`| head -1` is
   * the user's choice; a full disk is not, and what went there is incomplete).
   */
  readonly failure: string | null;
}

const writers = new WeakMap<NodeJS.WritableStream, StdWriter>();

/**
 * A writer to `stream` (process.stdout or process.stderr) that stops writing, silently, when the
 * reader goes away: `backprop train … | head -1` or `| true` closes the pipe early, the next write
 * fails with EPIPE, and instead of an unhandled `'error'` event (a stack trace, the process gone
 * and the model with it) the output simply stops while the work goes on to its end. The same for
 * any other failure of the stream (EIO on a vanished terminal): output is a convenience, the files
 * the user asked for are the work. One writer per stream (later calls return the same one).
 *
 * @example
 * ```ts
 * const out = stdWriter(process.stdout);
 * out('epoch 1 …\n');   // after `| head -1` has exited: dropped, no EPIPE trace
 * ```
 */
export function stdWriter(stream: NodeJS.WritableStream): StdWriter {
  const known = writers.get(stream);
  if (known) return known;
  let closed = false;
  let failure: string | null = null;
  // NOTE: EPIPE arrives as an 'error' event after the failed write; without a listener Node throws
  // it from the event loop. Every error stops the writes; all but EPIPE are kept to be reported.
  const fail = (e: unknown): void => {
    closed = true;
    if ((e as { code?: string }).code !== 'EPIPE' && failure === null) failure = systemMessage(e);
  };
  stream.on('error', fail);
  const write = ((data: string | Uint8Array) => {
    if (closed) return;
    try {
      stream.write(data);
    } catch (e) {
      fail(e);
    }
  }) as StdWriter;
  Object.defineProperty(write, 'closed', { get: () => closed });
  Object.defineProperty(write, 'failure', { get: () => failure });
  writers.set(stream, write);
  return write;
}
