import { LOSSES, OPTIMIZERS, type LossName, type OptimizerName, type OptimizerState, type TrainerPosition } from 'backprop';
import { thinHistory } from './history.js';
import { DATASETS, HIDDEN_ACTIVATIONS, initialState, MAX_LAYERS, MAX_NEURONS, type AppState, type DatasetChoice, type HistoryPoint, type LayerState, type LayerWeights } from './state.js';

/** Largest CSV (characters) carried inside a link. */
export const MAX_CSV_IN_LINK = 20_000;

/** Float64 numbers → base64url (exact: the bits themselves travel). */
export function f64ToB64(values: ArrayLike<number>): string {
  const bytes = new Uint8Array(Float64Array.from(values).buffer);
  let bin = '';
  for (let i = 0; i < bytes.length; i++) bin += String.fromCharCode(bytes[i]!);
  return btoa(bin).replace(/\+/g, '-').replace(/\//g, '_').replace(/=+$/, '');
}

/** The inverse of {@link f64ToB64}; throws on malformed text. */
export function b64ToF64(text: string): Float64Array {
  const bin = atob(text.replace(/-/g, '+').replace(/_/g, '/'));
  if (bin.length % 8 !== 0) throw new Error('base64 payload is not a whole number of float64 values');
  const bytes = new Uint8Array(bin.length);
  for (let i = 0; i < bin.length; i++) bytes[i] = bin.charCodeAt(i);
  return new Float64Array(bytes.buffer);
}

/** Weights as one float64 run: [layers, then units and inputs of each layer, then each W row-major and b]. */
export function packWeights(weights: LayerWeights[]): string {
  const out: number[] = [weights.length];
  for (const l of weights) out.push(l.W.length, l.W[0]?.length ?? 0);
  for (const l of weights) {
    for (const r of l.W) for (const v of r) out.push(v);
    for (const v of l.b) out.push(v);
  }
  return f64ToB64(out);
}

/** The inverse of {@link packWeights}. */
export function unpackWeights(text: string): LayerWeights[] {
  const v = b64ToF64(text);
  const L = v[0]!;
  if (!Number.isInteger(L) || L < 1 || L > MAX_LAYERS + 1) throw new Error('bad layer count');
  let k = 1 + 2 * L;
  const out: LayerWeights[] = [];
  for (let i = 0; i < L; i++) {
    const units = v[1 + 2 * i]!;
    const inputs = v[2 + 2 * i]!;
    if (!Number.isInteger(units) || !Number.isInteger(inputs) || units < 1 || inputs < 1 || units * inputs > 1e5) throw new Error('bad layer shape');
    const W: number[][] = [];
    for (let r = 0; r < units; r++, k += inputs) W.push(Array.from(v.subarray(k, k + inputs)));
    const b = Array.from(v.subarray(k, k + units));
    k += units;
    out.push({ W, b });
  }
  if (k !== v.length) throw new Error('weights payload has the wrong length');
  return out;
}

function packOptimizer(s: OptimizerState): string {
  return JSON.stringify({ ...s, buffers: s.buffers.map((b) => Object.fromEntries(Object.entries(b).map(([k, v]) => [k, f64ToB64(v)]))) });
}

function unpackOptimizer(text: string): OptimizerState {
  const raw = JSON.parse(text) as Omit<OptimizerState, 'buffers'> & { buffers: Record<string, string>[] };
  return { ...raw, buffers: raw.buffers.map((b) => Object.fromEntries(Object.entries(b).map(([k, v]) => [k, Array.from(b64ToF64(v))]))) };
}

const num = (x: number): string => (Number.isFinite(x) ? String(Number(x.toPrecision(6))) : 'NaN');

/**
 * The state as a URL hash (`#v=1&data=xor&…&w=…`): settings as readable fields (`l2` is the
 * optimizer's weight decay, `l1` and `l2p` the loss's penalties, `bn` and `drop` the layers),
 * weights, the other layers' numbers (`n`: batch norm's γ, β and running statistics bit for bit;
 * `g`: the dropout generators' state words) and optimizer buffers bit for bit, the trainer's position (`pos=epoch.batch.rng words`), the loss
 * curve to 6 digits, a small CSV verbatim.
 */
export function encodeState(state: AppState): string {
  const s = state.settings;
  const p = new URLSearchParams();
  p.set('v', '1');
  p.set('data', s.dataset);
  p.set('noise', String(s.noise));
  p.set('ratio', String(s.trainRatio));
  p.set('hidden', s.hidden.join(','));
  p.set('act', s.activation);
  p.set('loss', s.loss);
  p.set('opt', s.optimizer);
  p.set('lr', String(s.lr));
  p.set('batch', String(s.batch));
  p.set('seed', String(s.seed));
  p.set('l2', String(s.l2));
  p.set('l1', String(s.l1));
  p.set('l2p', String(s.l2Penalty));
  p.set('bn', s.batchNorm ? '1' : '0');
  p.set('drop', String(s.dropout));
  p.set('speed', String(s.speed));
  p.set('lang', s.lang);
  p.set('step', String(state.step));
  if (state.position) p.set('pos', [state.position.epoch, state.position.batch, ...(state.position.rng ?? [])].join('.'));
  if (state.selected) p.set('sel', state.selected);
  if (state.weights) p.set('w', packWeights(state.weights));
  if (state.layers) {
    p.set('n', f64ToB64(state.layers.values));
    p.set('g', state.layers.rng.join('.'));
  }
  if (state.optimizer) p.set('o', packOptimizer(state.optimizer));
  if (state.history.length) p.set('h', state.history.map((h) => `${h.step}:${num(h.train)}:${num(h.test)}`).join(';'));
  if (state.csv && state.csv.text.length <= MAX_CSV_IN_LINK) {
    p.set('csv', state.csv.text);
    p.set('csvname', state.csv.name);
    p.set('target', state.csv.target);
  }
  return '#' + p.toString();
}

/** Reads a hash made by {@link encodeState}; unknown or bad fields fall back to the defaults. */
export function decodeState(hash: string): AppState {
  const state = initialState();
  const p = new URLSearchParams(hash.replace(/^#/, ''));
  if (p.get('v') !== '1') return state;
  const s = state.settings;
  const numIn = (key: string, lo: number, hi: number, fallback: number, int = false): number => {
    const v = Number(p.get(key));
    if (p.get(key) === null || !Number.isFinite(v) || v < lo || v > hi || (int && !Number.isInteger(v))) return fallback;
    return v;
  };
  const data = p.get('data') as DatasetChoice | null;
  if (data && DATASETS.includes(data)) s.dataset = data;
  s.noise = numIn('noise', 0, 0.5, s.noise);
  s.trainRatio = numIn('ratio', 0.1, 0.9, s.trainRatio);
  const hidden = (p.get('hidden') ?? '').split(',').filter((x) => x !== '').map(Number);
  if (hidden.length >= 1 && hidden.length <= MAX_LAYERS && hidden.every((n) => Number.isInteger(n) && n >= 1 && n <= MAX_NEURONS)) s.hidden = hidden;
  const act = p.get('act');
  if (act && (HIDDEN_ACTIVATIONS as readonly string[]).includes(act)) s.activation = act as typeof s.activation;
  const loss = p.get('loss');
  if (loss !== null && (LOSSES as readonly string[]).includes(loss)) s.loss = loss as LossName;
  const opt = p.get('opt');
  if (opt !== null && (OPTIMIZERS as readonly string[]).includes(opt)) s.optimizer = opt as OptimizerName;
  s.lr = numIn('lr', 1e-6, 10, s.lr);
  s.batch = numIn('batch', 1, 1000, s.batch, true);
  s.seed = numIn('seed', 0, 0xffffffff, s.seed, true);
  s.l2 = numIn('l2', 0, 1, s.l2);
  s.l1 = numIn('l1', 0, 1, s.l1);
  s.l2Penalty = numIn('l2p', 0, 1, s.l2Penalty);
  s.batchNorm = p.get('bn') === '1';
  s.dropout = numIn('drop', 0, 0.9, s.dropout);
  s.speed = numIn('speed', 1, 1000, s.speed, true);
  s.lang = p.get('lang') === 'ko' ? 'ko' : 'en';
  state.step = numIn('step', 0, Number.MAX_SAFE_INTEGER, 0, true);
  state.position = readPosition(p.get('pos'));
  state.selected = p.get('sel');
  try {
    const w = p.get('w');
    if (w) state.weights = unpackWeights(w);
  } catch {
    state.weights = null;
  }
  state.layers = readLayers(p.get('n'), p.get('g'));
  try {
    const o = p.get('o');
    if (o) state.optimizer = unpackOptimizer(o);
  } catch {
    state.optimizer = null;
  }
  const h = p.get('h');
  if (h) {
    // NOTE: the page keeps at most MAX_HISTORY points (app.ts thins older ones); a longer list in a
    // link is thinned the same way, so a hand-made link cannot make every redraw slow.
    state.history = thinHistory(h.split(';').map((e): HistoryPoint => {
      const [st, tr, te] = e.split(':');
      return { step: Number(st), train: Number(tr), test: Number(te) };
    }).filter((x) => Number.isFinite(x.step)));
  }
  const csv = p.get('csv');
  if (csv !== null) state.csv = { text: csv, name: p.get('csvname') ?? 'data.csv', target: p.get('target') ?? '' };
  return state;
}

/** The other layers' numbers (`n`, float64 base64) and generator words (`g`, dot-separated): null when absent or malformed (the page checks that they fit the network). */
function readLayers(values: string | null, rng: string | null): LayerState | null {
  if (values === null && rng === null) return null;
  try {
    const words = rng === null || rng === '' ? [] : rng.split('.').map(Number);
    if (!words.every((w) => Number.isInteger(w) && w >= 0 && w <= 0xffffffff)) return null;
    return { values: values === null ? [] : Array.from(b64ToF64(values)), rng: words };
  } catch {
    return null;
  }
}

/** `epoch.batch` and the shuffling generator's four state words (or none): null when malformed. */
function readPosition(text: string | null): TrainerPosition | null {
  if (text === null) return null;
  const v = text.split('.').map((x) => (x === '' ? NaN : Number(x)));
  if (!(v.length === 2 || v.length === 6) || !v.every((x) => Number.isSafeInteger(x) && x >= 0) || v.slice(2).some((w) => w > 0xffffffff)) return null;
  return { epoch: v[0]!, batch: v[1]!, rng: v.length === 6 ? (v.slice(2) as [number, number, number, number]) : null };
}
