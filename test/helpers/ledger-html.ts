// Markdown of a ledger → standalone HTML with KaTeX-rendered math (for the Markdown test and the
// screenshot in docs/images). `$$…$$` blocks are taken out before Markdown sees them, as GitHub does.
import katex from 'katex';
import { Marked } from 'marked';

export interface LedgerHtml {
  /** The page body. */
  body: string;
  /** The TeX source of each `$$` block, in order. */
  math: string[];
}

/** Renders Markdown with `$$` display blocks; KaTeX errors throw (a broken formula fails the test). */
export function ledgerMarkdownToHtml(markdown: string): LedgerHtml {
  const math: string[] = [];
  const marked = new Marked({
    extensions: [
      {
        name: 'displayMath',
        level: 'block',
        start: (src: string) => src.indexOf('$$'),
        tokenizer(src: string) {
          const m = /^\$\$\n([\s\S]+?)\n\$\$(?:\n|$)/.exec(src);
          if (!m) return undefined;
          return { type: 'displayMath', raw: m[0], text: m[1]! };
        },
        renderer(token) {
          const tex = String(token.text);
          math.push(tex);
          return katex.renderToString(tex, { displayMode: true, throwOnError: true, strict: 'ignore', output: 'html' });
        },
      },
    ],
  });
  const body = marked.parse(markdown, { async: false }) as string;
  return { body, math };
}

/** A whole HTML page around a rendered ledger, with KaTeX's stylesheet inlined from node_modules. */
export function ledgerPage(body: string, katexCss: string, lang: string): string {
  return `<!doctype html><html lang="${lang}"><head><meta charset="utf-8"><style>${katexCss}
body{font-family:system-ui,'Noto Sans CJK KR','Noto Sans KR',sans-serif;max-width:980px;margin:24px auto;padding:0 24px;line-height:1.5;color:#1f2328}
table{border-collapse:collapse}td,th{border:1px solid #d0d7de;padding:4px 10px}td{font-variant-numeric:tabular-nums}
.katex-display{overflow-x:auto;overflow-y:hidden;padding:4px 0}h1,h2{border-bottom:1px solid #d8dee4;padding-bottom:.3em}
</style></head><body>${body}</body></html>`;
}
