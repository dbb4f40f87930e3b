import './style.css';
import { App } from './app.js';
import { csvColumns } from './data.js';
import { render, SPEEDS } from './render.js';
import type { Settings } from './state.js';
import { tr } from './i18n.js';
import { MAX_CSV_IN_LINK } from './url.js';
import type { ToWorker } from './protocol.js';
// NOTE: the WebAssembly kernels' worker, emitted here: Vite drops a worker that a worker starts (vitejs/vite#5699).
import kernelWorkerUrl from '../../src/kernels/matmul-worker.web.ts?worker&url';

const $ = <T extends HTMLElement = HTMLElement>(id: string): T => document.getElementById(id) as T;

let scheduled = false;
let afterDraw: (() => void)[] = [];
/** Redraws at most once per animation frame; `after` runs once the frame is drawn. */
function redraw(after?: () => void): void {
  if (after) afterDraw.push(after);
  if (scheduled) return;
  scheduled = true;
  requestAnimationFrame(() => {
    scheduled = false;
    render(app);
    document.body.dataset.ready = 'true';
    const callbacks = afterDraw;
    afterDraw = [];
    for (const f of callbacks) f();
    if (app.revealLedger) {
      app.revealLedger = false;
      // NOTE: on a phone the ledger sits below the diagram; on a wide screen it is already in view and nothing moves.
      document.getElementById('ledger-h')?.scrollIntoView({ block: 'nearest', behavior: reducedMotion ? 'auto' : 'smooth' });
    }
  });
}

const reducedMotion = window.matchMedia?.('(prefers-reduced-motion: reduce)').matches ?? false;

/**
 * On a phone the columns stack, and the ledger (last in the output column) would open screens away
 * from the weight just tapped: there it moves right under the diagram, and back on a wide screen.
 */
function placeLedger(): void {
  const ledger = $('ledger');
  const phone = window.matchMedia?.('(max-width: 700px)').matches ?? false;
  const after = phone ? $('stale-note') : null;
  if (after !== null && ledger.previousElementSibling !== after) after.after(ledger);
  if (after === null && ledger.parentElement !== $('output')) $('output').append(ledger);
}
placeLedger();
window.matchMedia?.('(max-width: 700px)').addEventListener('change', placeLedger);
const app = new App(location.hash, redraw, reducedMotion);
// Exposed for the browser tests and the curious: the plain state and the library's model.
(window as unknown as { playground: App }).playground = app;
app.writeUrl();
render(app);
document.body.dataset.ready = 'true';

const makeWorker = (): Worker => {
  const worker = new Worker(new URL('./worker.ts', import.meta.url), { type: 'module' });
  worker.postMessage({ type: 'kernels', workerUrl: new URL(kernelWorkerUrl, location.href).href } satisfies ToWorker);
  return worker;
};

$('btn-reset').addEventListener('click', () => app.reset());
$('btn-forward').addEventListener('click', () => app.forward());
$('btn-backward').addEventListener('click', () => app.backward());
$('btn-update').addEventListener('click', () => app.update());
$('btn-step').addEventListener('click', () => app.step());
$('btn-play').addEventListener('click', () => app.togglePlay(makeWorker));
$<HTMLInputElement>('speed').addEventListener('input', (e) => {
  app.setSpeed(SPEEDS[Number((e.target as HTMLInputElement).value)] ?? 10);
});
$('lang-en').addEventListener('click', () => app.setLang('en'));
$('lang-ko').addEventListener('click', () => app.setLang('ko'));
// The practice page (web/practice.html) opens in the page's language.
$('practice-link').addEventListener('click', (e) => void ((e.currentTarget as HTMLAnchorElement).href = `practice.html#lang=${app.state.settings.lang}`));

/** Binds a control to a setting: `read` turns the control's text into the setting (null = ignore). */
function bind<K extends keyof Settings>(id: string, key: K, read: (v: string) => Settings[K] | null, event = 'change'): void {
  $(id).addEventListener(event, (e) => {
    const v = read((e.target as HTMLInputElement).value);
    if (v !== null) app.change(key, v);
    else redraw();
  });
}
const numberIn = (lo: number, hi: number, int = false) => (v: string): number | null => {
  const x = Number(v);
  return v.trim() !== '' && Number.isFinite(x) && x >= lo && x <= hi && (!int || Number.isInteger(x)) ? x : null;
};
bind('dataset', 'dataset', (v) => v as Settings['dataset']);
bind('noise', 'noise', numberIn(0, 0.5));
bind('ratio', 'trainRatio', numberIn(0.1, 0.9));
bind('activation', 'activation', (v) => v as Settings['activation']);
bind('loss', 'loss', (v) => v as Settings['loss']);
bind('optimizer', 'optimizer', (v) => v as Settings['optimizer']);
bind('lr', 'lr', numberIn(1e-6, 10));
bind('batch', 'batch', numberIn(1, 500, true));
bind('l2', 'l2', numberIn(0, 1));
bind('l1', 'l1', numberIn(0, 1));
bind('l2-penalty', 'l2Penalty', numberIn(0, 1));
bind('dropout', 'dropout', numberIn(0, 0.9));
bind('batch-norm', 'batchNorm', () => $<HTMLInputElement>('batch-norm').checked);
bind('seed', 'seed', numberIn(0, 0xffffffff, true));
$('layer-add').addEventListener('click', () => {
  const h = app.state.settings.hidden;
  if (h.length < 6) app.change('hidden', [...h, h[h.length - 1] ?? 4]);
});
$('layer-remove').addEventListener('click', () => {
  const h = app.state.settings.hidden;
  if (h.length > 1) app.change('hidden', h.slice(0, -1));
});

// Link, model file
$('copy-link').addEventListener('click', async () => {
  app.writeUrl();
  const t = (k: 'linkCopied') => tr(app.state.settings.lang, k);
  try {
    await navigator.clipboard.writeText(location.href);
    app.notice = t('linkCopied');
  } catch {
    app.notice = location.href;
  }
  redraw();
});
$('export-model').addEventListener('click', () => {
  const blob = new Blob([app.modelFileText()], { type: 'application/json' });
  const a = document.createElement('a');
  a.href = URL.createObjectURL(blob);
  a.download = 'backprop-model.json';
  document.body.append(a);
  a.click();
  a.remove();
  setTimeout(() => URL.revokeObjectURL(a.href), 1000);
});
$<HTMLInputElement>('import-model').addEventListener('change', async (e) => {
  const input = e.target as HTMLInputElement;
  const file = input.files?.[0];
  if (!file) return;
  try {
    app.importModel(await file.text());
    app.notice = '';
  } catch (err) {
    app.notice = tr(app.state.settings.lang, 'importError', { msg: err instanceof Error ? err.message : String(err) });
  }
  input.value = '';
  redraw();
});

// CSV: a file chooser, or a file dropped anywhere on the page
async function loadCsv(file: File): Promise<void> {
  const text = await file.text();
  const header = csvColumns(text);
  app.state.csv = { name: file.name, text, target: header[header.length - 1] ?? '' };
  app.notice = text.length > MAX_CSV_IN_LINK ? tr(app.state.settings.lang, 'csvTooBig') : '';
  app.state.settings.dataset = 'seed';
  app.change('dataset', 'csv');
}
$<HTMLInputElement>('csv-file').addEventListener('change', (e) => {
  const f = (e.target as HTMLInputElement).files?.[0];
  if (f) void loadCsv(f);
});
$<HTMLSelectElement>('csv-target').addEventListener('change', (e) => {
  if (app.state.csv === null) return;
  app.state.csv = { ...app.state.csv, target: (e.target as HTMLSelectElement).value };
  app.resetNetwork();
  app.writeUrl();
  redraw();
});
window.addEventListener('dragover', (e) => e.preventDefault());
window.addEventListener('drop', (e) => {
  e.preventDefault();
  const f = e.dataTransfer?.files[0];
  if (f) void loadCsv(f);
});

window.addEventListener('hashchange', () => app.hashChanged(location.hash));
window.addEventListener('resize', () => redraw());
