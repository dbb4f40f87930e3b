import { BackpropError } from '../errors.js';
import { isFused, type LossName } from '../nn/losses.js';
import type { ActivationName } from '../nn/activations.js';
import { ACTIVATION_TABLE } from '../functions/activations/index.js';
import { lossSpec } from '../functions/losses/index.js';
import type { ModelFile } from './model-file.js';

/** How the exported script trains: what `backprop train` was told (the model file does not keep it). */
export interface TrainingSettings {
  optimizer: 'sgd' | 'adam' | 'adamw' | 'rmsprop';
  lr: number;
  momentum?: number;
  nesterov?: boolean;
  weightDecay?: number;
  epochs: number;
  batchSize: number;
  /** A backprop schedule spec (`step:10:0.5`, `exp:0.9`, `cosine[:MIN]`, `plateau[:PATIENCE[:FACTOR]]`). */
  schedule?: string;
  /** The CSV file the script reads by default. */
  data?: string;
}

/** The losses computed from the logits (fused with the output activation, as backprop computes them). */
const ON_LOGITS: Partial<Record<LossName, string>> = {
  cross_entropy: '-(t * F.log_softmax(z, dim=-1)).sum() / len(t)  # −(1/N)·Σ t·log softmax(z); = F.cross_entropy(z, labels) for one-hot t',
  bce: 'F.binary_cross_entropy_with_logits(z, t)  # mean over all N·k elements',
};

/** The schedule as a torch.optim.lr_scheduler line (stepped once per epoch, after it, as backprop does before the next). */
function scheduler(spec: string | undefined, epochs: number): string {
  if (!spec) return 'None';
  const [kind, a, b] = spec.split(':');
  const n = (s: string | undefined, d: number): number => (s === undefined || s === '' ? d : Number(s));
  switch (kind) {
    case 'step':
      return `torch.optim.lr_scheduler.StepLR(opt, step_size=${n(a, 1)}, gamma=${n(b, 0.1)})`;
    case 'exp':
      return `torch.optim.lr_scheduler.ExponentialLR(opt, gamma=${n(a, 0.9)})`;
    case 'cosine':
      return `torch.optim.lr_scheduler.CosineAnnealingLR(opt, T_max=${epochs}, eta_min=${n(a, 0)})`;
    case 'plateau':
      return `torch.optim.lr_scheduler.ReduceLROnPlateau(opt, factor=${n(b, 0.1)}, patience=${n(a, 10)})`;
    default:
      throw new BackpropError('argument', `export: schedule ${JSON.stringify(spec)} has no PyTorch equivalent here; expected step, exp, cosine or plateau`);
  }
}

function optimizerLine(s: TrainingSettings): string {
  const wd = s.weightDecay ? `, weight_decay=${s.weightDecay}` : '';
  switch (s.optimizer) {
    case 'sgd':
      return `torch.optim.SGD(model.parameters(), lr=args.lr${s.momentum ? `, momentum=${s.momentum}` : ''}${s.nesterov ? ', nesterov=True' : ''}${wd})`;
    case 'adam':
      return `torch.optim.Adam(model.parameters(), lr=args.lr${wd})`;
    case 'adamw':
      return `torch.optim.AdamW(model.parameters(), lr=args.lr, weight_decay=${s.weightDecay ?? 0.01})`;
    case 'rmsprop':
      return `torch.optim.RMSprop(model.parameters(), lr=args.lr${s.momentum ? `, momentum=${s.momentum}` : ''}${wd})`;
  }
}

/**
 * A short, readable PyTorch script that continues training a backprop model where it stands: the
 * same `nn.Sequential` (its `state_dict` names are those of the exported safetensors), the loss in
 * backprop's convention (`sse` keeps its ½ and its sum — the ½ trap), the optimizer and schedule
 * the run used, and the same CSV read with the model's feature columns, classes and input scaling
 * (from `preprocessing.json` beside it). Without shuffling, its steps are backprop's steps.
 *
 * @example
 * ```ts
 * const py = pytorchScript(file, { optimizer: 'adam', lr: 0.001, epochs: 10, batchSize: 64, data: 'train.csv' });
 * ```
 */
export function pytorchScript(file: ModelFile, s: TrainingSettings): string {
  if (file.preprocessing?.targets) throw new BackpropError('unsupported', 'export --format pytorch: models with scaled targets (preprocessing.targets) are not supported');
  const acts = file.layers.map((l) => l.activation as ActivationName);
  const sizes = [layerInputs(file.layers[0]!), ...file.layers.map(layerUnits)];
  const modules: string[] = [];
  acts.forEach((a, i) => {
    modules.push(`nn.Linear(${sizes[i]}, ${sizes[i + 1]})`);
    const module = ACTIVATION_TABLE[a].torch.module;
    if (module) modules.push(module);
  });
  const out = acts[acts.length - 1]!;
  const fused = isFused(file.loss, out);
  const plainLoss = `${lossSpec(file.loss).torch('y', 't')}  # ${file.loss} in backprop's convention (the README's loss table)`;
  const classes = file.preprocessing?.classNames?.length ?? 0;
  const targetLine =
    classes === 0
      ? 'T = np.array([[float(r[c]) for c in target_cols] for r in rows])  # regression: the numbers'
      : sizes[sizes.length - 1] === 1
        ? `T = np.array([[${out === 'tanh' ? '1.0 if classes.index(r[target_cols[0]]) == 1 else -1.0' : 'float(classes.index(r[target_cols[0]]))'}] for r in rows])  # two classes, one output`
        : 'T = np.eye(len(classes))[[classes.index(r[target_cols[0]]) for r in rows]]  # one-hot, in the model\'s class order';
  return `"""Continue training a backprop model in PyTorch — written by \`backprop export --format pytorch\`.

  python3 train.py [--data FILE.csv] [--epochs N] [--lr X] [--batch-size B] [--no-shuffle] [--steps K]

Network ${sizes.join('-')} (${acts.join(', ')}), loss ${file.loss} in backprop's convention, ${s.optimizer}.
Weights: model.safetensors (state_dict names); columns, classes and input scaling: preprocessing.json.
With --no-shuffle the steps are backprop's (\`train --no-shuffle\`), to float64 rounding.
"""
import argparse, csv, gzip, json, os, struct

import numpy as np
import torch
from torch import nn
import torch.nn.functional as F

HERE = os.path.dirname(os.path.abspath(__file__))
DTYPE = torch.${file.dtype}
torch.set_default_dtype(DTYPE)


def load_safetensors(path):
    """The tensors of a safetensors file (8-byte header length, JSON header, raw little-endian data)."""
    with open(path, "rb") as f:
        n = struct.unpack("<Q", f.read(8))[0]
        header = json.loads(f.read(n))
        data = f.read()
    kinds = {"F64": np.float64, "F32": np.float32}
    return {k: torch.from_numpy(np.frombuffer(data[v["data_offsets"][0]:v["data_offsets"][1]], dtype=kinds[v["dtype"]]).reshape(v["shape"]).copy()).to(DTYPE)
            for k, v in header.items() if k != "__metadata__"}


def read_csv(path, pre, target):
    """The rows of a CSV file with a header: inputs by the model's feature names, scaled as backprop scaled them; targets."""
    with (gzip.open(path, "rt") if path.endswith(".gz") else open(path, newline="")) as f:
        rows = list(csv.DictReader(f))
    X = np.array([[float(r[c]) for c in pre["featureNames"]] for r in rows])
    scale = pre.get("inputs")
    if scale and scale["type"] == "standardize":
        X = (X - np.array(scale["mean"])) / np.array(scale["std"])
    elif scale:  # minmax: lo + (x − min)·(hi − lo)/(max − min); a constant column maps to lo
        lo, hi = scale["range"]
        span = np.array(scale["max"]) - np.array(scale["min"])
        X = (X - np.array(scale["min"])) / np.where(span > 0, span / (hi - lo), 1.0) + lo
    target_cols = target.split(",") if target else pre["targetColumns"]
    classes = pre.get("classNames")
    ${targetLine}
    return torch.tensor(X, dtype=DTYPE), torch.tensor(T, dtype=DTYPE)


model = nn.Sequential(${modules.join(', ')})


def loss_fn(x, t):
    """The model's loss, ${file.loss}${fused ? `, from the logits (fused with the ${out}, as backprop computes it)` : ''}."""
    ${fused ? `z = model[:-1](x)\n    return ${ON_LOGITS[file.loss]}` : `y = model(x)\n    return ${plainLoss}`}


def main():
    p = argparse.ArgumentParser()
    p.add_argument("--data", default=${JSON.stringify(s.data ?? '')})
    p.add_argument("--target", default="")
    p.add_argument("--epochs", type=int, default=${s.epochs})
    p.add_argument("--lr", type=float, default=${s.lr})
    p.add_argument("--batch-size", type=int, default=${s.batchSize})
    p.add_argument("--no-shuffle", action="store_true")
    p.add_argument("--seed", type=int, default=0)
    p.add_argument("--steps", type=int, default=0, help="stop after this many steps (0: all epochs)")
    p.add_argument("--trajectory", default="", help="write each step's loss and the final weights as JSON")
    p.add_argument("--out", default=os.path.join(HERE, "model.pt"))
    args = p.parse_args()
    torch.manual_seed(args.seed)
    with open(os.path.join(HERE, "preprocessing.json")) as f:
        pre = json.load(f)
    model.load_state_dict(load_safetensors(os.path.join(HERE, "model.safetensors")))
    X, T = read_csv(args.data, pre, args.target)
    opt = ${optimizerLine(s)}
    sched = ${scheduler(s.schedule, s.epochs)}
    losses, step = [], 0
    for epoch in range(1, args.epochs + 1):
        order = torch.arange(len(X)) if args.no_shuffle else torch.randperm(len(X))
        total = 0.0
        for b in range(0, len(X), args.batch_size):
            idx = order[b:b + args.batch_size]
            opt.zero_grad()
            loss = loss_fn(X[idx], T[idx])
            loss.backward()
            opt.step()
            losses.append(loss.item())
            total += loss.item() * len(idx)
            step += 1
            if step == args.steps:
                break
        print(f"epoch {epoch}  mean batch loss {total / len(X):.8g}")
        if step == args.steps:
            break
        if isinstance(sched, torch.optim.lr_scheduler.ReduceLROnPlateau):
            sched.step(total / len(X))
        elif sched is not None:
            sched.step()
    torch.save(model.state_dict(), args.out)
    if args.trajectory:
        with open(args.trajectory, "w") as f:
            json.dump({"losses": losses, "state": {k: v.tolist() for k, v in model.state_dict().items()}}, f)


if __name__ == "__main__":
    main()
`;
}

function layerInputs(l: ModelFile['layers'][number]): number {
  return 'weights' in l && Array.isArray(l.weights) ? l.weights[0]!.length : (l as { inputs: number }).inputs;
}

function layerUnits(l: ModelFile['layers'][number]): number {
  return 'weights' in l && Array.isArray(l.weights) ? l.weights.length : (l as { units: number }).units;
}
