/**
 * `backprop/explain` — the ledger: backpropagation explained with the numbers, every gradient by
 * the chain rule, in English and Korean, as text, Markdown with LaTeX, HTML, or JSON — and practice
 * exercises graded against it, each wrong answer named as a mistake. Browser-safe; it
 * loads mathjs (symbolic derivatives), which is why it is an entry of its own.
 *
 * @module backprop/explain
 */
export { explain, type ExplainOptions } from './trace.js';
export { numberNodes, parseParamName, notebookWeightName, type ParamSelector } from './names.js';
export { activationDerivative, softmaxDerivative, lossDerivative, type LossPoint } from './symbolic.js';
export { ledgerBlocks, LEDGER_SECTIONS, PARAM_SECTIONS, type LedgerSection, type RenderOptions } from './render/blocks.js';
export { renderText, renderBlocksText, type TextRenderOptions } from './render/text.js';
export { renderMarkdown } from './render/markdown.js';
export { renderHtml, renderBlocksHtml, escapeHtml, LEDGER_CSS, type HtmlRenderOptions } from './render/html.js';
export type { Block, Math2 } from './render/notation.js';
export { renderJson } from './render/json.js';
export { ledgerBundle, symbolicBundle } from '../display/ledger.js';
export { LANGS, LOCALES, message, checkLang, type Lang, type MessageKey } from './locales/index.js';
export { PRACTICE_LOCALES, practiceMessage, numberWord, type PracticeKey } from './locales/practice.js';
export * from './practice/index.js';
export type * from './types.js';
