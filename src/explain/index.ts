/**
 * `backprop/explain` — the ledger: backpropagation explained with the numbers, every gradient by
 * the chain rule, in English and Korean, as text, Markdown with LaTeX, HTML, or JSON. Browser-safe; it
 * loads mathjs (symbolic derivatives), which is why it is an entry of its own.
 *
 * @module backprop/explain
 */
export { explain, type ExplainOptions } from './trace.js';
export { numberNodes, parseParamName, notebookWeightName, type ParamSelector } from './names.js';
export { activationDerivative, softmaxDerivative, lossDerivative, type LossPoint } from './symbolic.js';
export { ledgerBlocks, LEDGER_SECTIONS, type LedgerSection, type RenderOptions } from './render/blocks.js';
export { renderText, type TextRenderOptions } from './render/text.js';
export { renderMarkdown } from './render/markdown.js';
export { renderHtml, escapeHtml, LEDGER_CSS, type HtmlRenderOptions } from './render/html.js';
export { renderJson } from './render/json.js';
export { LANGS, LOCALES, message, checkLang, type Lang, type MessageKey } from './locales/index.js';
export type * from './types.js';
