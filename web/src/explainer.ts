import type { Tensor } from 'backprop';
import type { Ledger } from 'backprop/explain';
import type { PlayData } from './data.js';
import { penaltyOf, type PlayModel } from './net.js';
import type { Settings } from './state.js';

type ExplainModule = typeof import('backprop/explain');
let loading: Promise<ExplainModule> | null = null;

/** The library's ledger module (src/explain, with mathjs), fetched the first time a ledger is opened. */
export function loadExplain(): Promise<ExplainModule> {
  loading ??= import('backprop/explain');
  return loading;
}

/**
 * The library's ledger for one parameter: `explain()` run on `model` (the network as the recorded
 * pass found it) on the pass's batch, narrowed to `param` (e.g. `W2[0][0]`), in training mode —
 * batch norm with the batch's statistics, dropout with the masks its generators draw next (the
 * step's) — with the settings' L1/L2 penalty. The model is left as it was.
 */
export async function ledgerFor(model: PlayModel, settings: Settings, data: PlayData, x: Tensor, t: Tensor, param: string): Promise<Ledger> {
  const { explain } = await loadExplain();
  const penalty = penaltyOf(settings);
  return explain(model, x, t, { loss: data.loss, lr: settings.lr, param, naming: data.kind === 'seed' ? 'notebook' : 'auto', mode: 'train', ...(penalty && { penalty }) });
}
