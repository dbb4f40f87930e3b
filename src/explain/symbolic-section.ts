import { ACTIVATION_TABLE, type ActivationName } from '../nn/activations.js';
import { lossCount, type LossName } from '../nn/losses.js';
import type { TracedRun } from './graph.js';
import { activationDerivative, lossDerivative, softmaxDerivative, type LossPoint } from './symbolic.js';
import type { LedgerLayer, LedgerSymbolic, SymbolicActivation } from './types.js';

/** At most this many points per derivative are checked and shown. */
const MAX_POINTS = 6;

/**
 * The symbolic part of the ledger: each activation the network uses (in layer order) and the
 * loss, differentiated by mathjs and checked at the z (and y, t) the forward pass produced
 * against the engine's own local derivatives.
 */
export function buildSymbolic(run: TracedRun, layers: readonly LedgerLayer[], loss: LossName, target: readonly (readonly number[])[]): LedgerSymbolic {
  const N = target.length;
  const seen = new Set<ActivationName>();
  const activations: SymbolicActivation[] = [];
  for (const ly of layers) {
    if (seen.has(ly.activation)) continue;
    seen.add(ly.activation);
    const users = layers.filter((l) => l.activation === ly.activation);
    if (ACTIVATION_TABLE[ly.activation].form === 'rowwise') {
      const tr = run.layers[ly.layer - 1]!;
      const J = tr.jacobian === null ? null : tr.jacobian[0]![0]!;
      activations.push(softmaxDerivative(ly.z[0]!, J));
      continue;
    }
    const zs: number[] = [];
    const engine: (number | null)[] = [];
    for (const u of users) {
      u.z.forEach((row, n) =>
        row.forEach((z, i) => {
          zs.push(z);
          engine.push(u.dadz === null ? null : u.dadz[n]![i]!);
        }),
      );
    }
    activations.push(activationDerivative(ly.activation as Exclude<ActivationName, 'softmax'>, zs.slice(0, MAX_POINTS), engine.slice(0, MAX_POINTS)));
  }
  const out = layers[layers.length - 1]!;
  const K = out.bias.length;
  const M = N * K;
  const scale = 1 / lossCount(loss, N, K);
  const pts: LossPoint[] = [];
  for (let n = 0; n < N && pts.length < MAX_POINTS; n++) {
    const row = run.fused ? out.z[n]! : out.a[n]!;
    for (let k = 0; k < K && pts.length < MAX_POINTS; k++) {
      pts.push({ row, t: target[n]!, k, engine: run.fused ? out.delta[n]![k]! : out.dEda![n]![k]! });
    }
  }
  return { activations, loss: lossDerivative(loss, run.fused, scale, pts) };
}
