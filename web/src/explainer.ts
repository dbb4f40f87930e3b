import type { Tensor } from 'backprop';
import type { Ledger } from 'backprop/explain';
import type { PlayData } from './data.js';
import { buildModel } from './net.js';
import type { LayerWeights, Settings } from './state.js';

type ExplainModule = typeof import('backprop/explain');
let loading: Promise<ExplainModule> | null = null;

/** The library's ledger module (src/explain, with mathjs), fetched the first time a ledger is opened. */
export function loadExplain(): Promise<ExplainModule> {
  loading ??= import('backprop/explain');
  return loading;
}

/**
 * The library's ledger for one parameter: `explain()` run on a copy of the network with the
 * weights of the recorded pass, on the pass's batch, narrowed to `param` (e.g. `W2[0][0]`).
 */
export async function ledgerFor(settings: Settings, data: PlayData, weights: LayerWeights[], x: Tensor, t: Tensor, param: string): Promise<Ledger> {
  const { explain } = await loadExplain();
  const model = buildModel(settings, data, weights);
  return explain(model, x, t, { loss: data.loss, lr: settings.lr, param, naming: data.kind === 'seed' ? 'notebook' : 'auto' });
}
