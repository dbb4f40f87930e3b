// The W6 workers' data: raw little-endian arrays fetched from the page's server (bench/browser.ts writes them).

/** The file `name` as a typed array of `Ctor`; throws naming the file on an HTTP error. */
export async function fetchArray<T extends Float32Array | Int32Array>(name: string, Ctor: new (b: ArrayBuffer) => T): Promise<T> {
  const r = await fetch(name);
  if (!r.ok) throw new Error(`${name}: HTTP ${r.status}`);
  return new Ctor(await r.arrayBuffer());
}
