// docs/functions.md from the activation and loss tables (src/functions): what every activation and
// loss is, in every form the library uses. `npx tsx scripts/docs-functions.ts` rewrites the file;
// test/docs-functions.test.ts fails when it is out of date.
import { writeFileSync } from 'node:fs';
import { fileURLToPath } from 'node:url';
import { ACTIVATION_TABLE, ACTIVATIONS } from '../src/functions/activations/index.js';
import { LOSS_TABLE, LOSSES } from '../src/functions/losses/index.js';

const range = (r: { low?: number; high?: number }): string =>
  r.low === undefined && r.high === undefined ? 'any number' : `[${r.low ?? '−∞'}, ${r.high ?? '∞'}${r.high === undefined ? ')' : ']'}`.replace('-', '−');

/** The page, as Markdown. */
export function functionsMarkdown(): string {
  const lines = [
    '# Activations and losses',
    '',
    '<!-- Generated from src/functions by scripts/docs-functions.ts; do not edit by hand. -->',
    '',
    'Every activation and loss is one entry of a table in [`src/functions`](../src/functions): its',
    'mathematics once, and every form the library needs of it — the autograd op, the fused kernels, the',
    'ledger\'s formulas and computer algebra, the PyTorch and ONNX names. This page is made from those',
    'tables.',
    '',
    '## Activations',
    '',
    '| name | f | f′ | PyTorch module | ONNX (opset 13) | outputs in | default init | layers |',
    '|---|---|---|---|---|---|---|---|',
  ];
  for (const name of ACTIVATIONS) {
    const a = ACTIVATION_TABLE[name];
    const onnx = a.onnx('x', 'y', name, 13).nodes.map((n) => n.op).join(', ') || '—';
    lines.push(`| \`${name}\` | ${a.text.f} | ${a.text.df} | ${a.torch.module === null ? '—' : `\`${a.torch.module}\``} | ${onnx} | ${range(a.range)} | ${a.init} | ${a.outputOnly ? 'output only' : 'any'} |`);
  }
  lines.push('', '## Losses', '', '| name | E | averaged over | on the logits of | targets | convention |', '|---|---|---|---|---|---|');
  const over = { sum: 'nothing (a sum)', rows: 'the N samples', all: 'all N·K numbers' } as const;
  const targets = { any: 'any number', 'unit-interval': 'in [0, 1]', distribution: 'rows of numbers ≥ 0 summing to 1' } as const;
  for (const name of LOSSES) {
    const l = LOSS_TABLE[name];
    lines.push(`| \`${name}\` | ${l.formula.text} | ${over[l.reduction]} | ${l.onLogits ? l.onLogits.activation : '—'} | ${targets[l.targets]} | ${l.convention} |`);
  }
  lines.push('');
  return lines.join('\n');
}

if (process.argv[1] === fileURLToPath(import.meta.url)) {
  writeFileSync(new URL('../docs/functions.md', import.meta.url), functionsMarkdown());
  console.log('wrote docs/functions.md');
}
