import { BackpropError } from '../errors.js';

/**
 * The bytes of a stream, decompressed when they are gzip (they start with the gzip magic
 * `1f 8b`), else as they come — so `data.csv.gz` and `data.csv` read alike. Uses the
 * `DecompressionStream` of browsers and Node ≥ 18, one chunk at a time.
 *
 * @throws BackpropError `data` naming `name` when the gzip stream is corrupt or cut short.
 * @example
 * ```ts
 * for await (const chunk of maybeGunzip(file.stream(), 'digits.csv.gz')) scanner.push(chunk);
 * ```
 */
export async function* maybeGunzip(chunks: AsyncIterable<Uint8Array>, name: string): AsyncGenerator<Uint8Array, void, undefined> {
  const it = chunks[Symbol.asyncIterator]();
  let first = await it.next();
  while (!first.done && first.value.length < 2) {
    const more = await it.next();
    if (more.done) break;
    const joined = new Uint8Array(first.value.length + more.value.length);
    joined.set(first.value);
    joined.set(more.value, first.value.length);
    first = { done: false, value: joined };
  }
  if (first.done) return;
  const head = first.value;
  if (!(head[0] === 0x1f && head[1] === 0x8b)) {
    yield head;
    for (let r = await it.next(); !r.done; r = await it.next()) yield r.value;
    return;
  }
  const stream = new DecompressionStream('gzip');
  const writer = stream.writable.getWriter();
  const feeding = (async () => {
    try {
      await writer.write(head as Uint8Array<ArrayBuffer>);
      for (let r = await it.next(); !r.done; r = await it.next()) await writer.write(r.value as Uint8Array<ArrayBuffer>);
      await writer.close();
    } catch (e) {
      await writer.abort(e).catch(() => undefined);
      throw e;
    }
  })();
  feeding.catch(() => undefined);
  const reader = stream.readable.getReader();
  try {
    for (;;) {
      let r: ReadableStreamReadResult<Uint8Array>;
      try {
        r = await reader.read();
      } catch (e) {
        if (e instanceof BackpropError) throw e;
        throw new BackpropError('data', `${name}: not a valid gzip file (${(e as Error).message})`);
      }
      if (r.done) break;
      yield r.value;
    }
    await feeding;
  } finally {
    reader.releaseLock();
  }
}
