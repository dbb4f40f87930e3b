import type { Lang } from '../explain/locales/index.js';
import { LEDGER_CSS, renderHtml } from '../explain/render/html.js';
import { renderMarkdown } from '../explain/render/markdown.js';
import { renderText } from '../explain/render/text.js';
import type { Ledger, SymbolicActivation } from '../explain/types.js';
import { formatNumber } from '../tensor/format.js';
import { t } from './locales/index.js';
import type { MediaBundle } from './protocol.js';
import { registerViewer, type ViewOptions } from './view.js';

/**
 * What a ledger shows in a notebook: Markdown with LaTeX mathematics in the learner's language
 * (the form Jupyter and GitHub render, `renderMarkdown`), and its text for `text/plain`; with
 * `html`, `renderHtml`'s fragment and stylesheet instead of the Markdown (for front ends without
 * MathJax). Headings start at level 3, to sit under the notebook's own. A ledger narrowed to one
 * parameter (`explain(…, { param: 'w41' })`) shows that parameter's chain rule only.
 *
 * @example
 * ```ts
 * ledgerBundle(explain(seedNetwork(), [[1, 2, 3]], [[0.5, 0.1]], { param: 'w41' }), { lang: 'ko' })['text/markdown'];
 * ```
 */
export function ledgerBundle(ledger: Ledger, options: Pick<ViewOptions, 'lang' | 'sections' | 'html'> = {}): MediaBundle {
  const r = { lang: options.lang ?? 'en', ...(options.sections !== undefined && { sections: options.sections }) };
  const plain = renderText(ledger, r);
  if (options.html) return { 'text/plain': plain, 'text/html': `<style>${LEDGER_CSS}</style>${renderHtml(ledger, r)}` };
  return { 'text/plain': plain, 'text/markdown': demoteHeadings(renderMarkdown(ledger, r), 2) };
}

/** Markdown headings `#` → `###` (by `levels`), outside `$$` blocks. */
function demoteHeadings(markdown: string, levels: number): string {
  let math = false;
  return markdown
    .split('\n')
    .map((line) => {
      if (line === '$$') math = !math;
      return !math && /^#{1,6} /.test(line) ? '#'.repeat(levels) + line : line;
    })
    .join('\n');
}

/**
 * What a derivative found by computer algebra (`activationDerivative`) shows: f, mathjs's
 * derivative, the form the seed notebook's sympy printed, and the textbook identity, as aligned
 * LaTeX; then whether mathjs proved them equal and how closely the numbers agree.
 *
 * @example
 * ```ts
 * symbolicBundle(activationDerivative('sigmoid', [2.7], [null]))['text/plain'];   // "f(x) = 1 / (1 + e ^ -x)\nf′(x) = …"
 * ```
 */
export function symbolicBundle(s: SymbolicActivation, options: { lang?: Lang } = {}): MediaBundle {
  const lang = options.lang ?? 'en';
  const rows = [
    ['f(x)', s.f],
    ["f'(x)", s.raw],
    ...(s.alt ? [['', s.alt] as const] : []),
    ['', s.identity],
  ] as const;
  const tex = rows.map(([lhs, f]) => `${lhs === '' ? '' : lhs} &= ${f.tex}`).join(' \\\\\n');
  const heading = t(lang, 'derivative', { f: s.activation });
  const notes = [
    ...(s.proven ? [t(lang, 'proven')] : []),
    t(lang, 'checked', { points: s.points.map((p) => `x = ${formatNumber(p.at, 6)}`).join(', '), d: formatNumber(s.maxDiff, 3) }),
  ];
  const text = [heading, ...rows.map(([lhs, f]) => `${lhs === '' ? '     ' : lhs.replace("'", '′')} = ${f.text}`), ...notes].join('\n');
  return { 'text/plain': text, 'text/markdown': `**${heading}**\n\n$$\n\\begin{aligned}\n${tex}\n\\end{aligned}\n$$\n\n${notes.join(' ')}\n` };
}

/** The display method of every ledger `explain` returns (see `withDisplay`): English, Markdown. */
export function displayLedger(this: Ledger): MediaBundle {
  return ledgerBundle(this);
}

function isLedger(x: unknown): x is Ledger {
  return typeof x === 'object' && x !== null && (x as Partial<Ledger>).format === 'backprop-ledger';
}

function isSymbolicActivation(x: unknown): x is SymbolicActivation {
  const s = x as Partial<SymbolicActivation> | null;
  return typeof s === 'object' && s !== null && typeof s.activation === 'string' && typeof s.raw === 'object' && typeof s.identity === 'object' && Array.isArray(s.points);
}

registerViewer({ test: isLedger, bundle: (x, o) => ledgerBundle(x as Ledger, o) });
registerViewer({ test: isSymbolicActivation, bundle: (x, o) => symbolicBundle(x as SymbolicActivation, o) });
