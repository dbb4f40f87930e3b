import '../style.css';
import './practice.css';
import type { Exercise, Ledger, Diagnosis } from 'backprop/explain';
import { renderNetwork } from '../views/network.js';
import { html, short } from '../views/svg.js';
import { exerciseNetworkView, labelAsked } from './diagram.js';
import { ui, type PracticeUiKey } from './i18n.js';
import { decodePractice, encodePractice, PRACTICE_LEVELS, type PracticeLevel, type PracticeState } from './state.js';

type Lib = typeof import('backprop/explain');

const $ = <T extends HTMLElement = HTMLElement>(id: string): T => document.getElementById(id) as T;

/**
 * The practice page: one exercise of the library (`makeExercise(level, seed)`), its network drawn
 * with the asked weight dashed and its value hidden, the question, an answer box, the library's
 * grading and feedback, a running score and the next exercise. The whole state is in the URL.
 */
class PracticePage {
  state: PracticeState;
  lib: Lib | null = null;
  notice = '';
  private cache: { key: string; ex: Exercise; ledger: Ledger; narrow: Ledger | null } | null = null;
  private lastHash = '';

  constructor(hash: string) {
    this.state = decodePractice(hash);
  }

  /** The exercise of the state (drawn once per level and seed). */
  exercise(lib: Lib): { ex: Exercise; ledger: Ledger } {
    const key = `${this.state.level}|${this.state.seed}`;
    if (this.cache?.key !== key) {
      const ex = lib.makeExercise(this.state.level, this.state.seed);
      this.cache = { key, ex, ledger: lib.exerciseLedger(ex), narrow: null };
    }
    return this.cache;
  }

  /** The ledger narrowed to the asked parameter, shown once the answer is in. */
  narrowLedger(lib: Lib): Ledger {
    const c = this.cache!;
    c.narrow ??= lib.explain(lib.exerciseModel(c.ex), c.ex.input, c.ex.target, { loss: c.ex.network.loss, lr: c.ex.network.lr, naming: 'notebook', param: c.ex.question.param });
    return c.narrow;
  }

  writeUrl(): void {
    this.lastHash = encodePractice(this.state);
    if (location.hash !== this.lastHash) history.replaceState(null, '', this.lastHash);
  }

  hashChanged(hash: string): void {
    if (hash === this.lastHash) return;
    this.state = decodePractice(hash);
    this.render();
  }

  submit(text: string): void {
    if (this.lib === null || this.state.answer !== null) return;
    const x = Number(text.trim().replace(/^\+/, ''));
    if (text.trim() === '' || !Number.isFinite(x)) {
      this.notice = ui(this.state.lang, 'notANumber');
      this.render();
      return;
    }
    const { ex, ledger } = this.exercise(this.lib);
    const d = this.lib.diagnose(ledger, ex.question, x);
    this.notice = '';
    this.state.answer = x;
    this.state.score = { right: this.state.score.right + (d.verdict === 'right' ? 1 : 0), total: this.state.score.total + 1 };
    this.render();
    $('feedback').focus();
  }

  next(): void {
    this.state.seed = (this.state.seed + 1) % 0x100000000;
    this.state.answer = null;
    this.notice = '';
    this.render();
    $('answer').focus();
  }

  setLevel(level: PracticeLevel): void {
    this.state.level = level;
    this.state.answer = null;
    this.render();
  }

  setLang(lang: PracticeState['lang']): void {
    this.state.lang = lang;
    this.render();
  }

  render(): void {
    const s = this.state;
    const t = (key: PracticeUiKey, vars?: Record<string, string | number>): string => ui(s.lang, key, vars);
    document.documentElement.lang = s.lang;
    document.title = t('title');
    for (const el of document.querySelectorAll<HTMLElement>('[data-i18n]')) el.textContent = t(el.dataset.i18n as PracticeUiKey);
    $('lang-en').setAttribute('aria-pressed', String(s.lang === 'en'));
    $('lang-ko').setAttribute('aria-pressed', String(s.lang === 'ko'));
    $<HTMLAnchorElement>('playground-link').href = `index.html#v=1&lang=${s.lang}`;
    $('notice').textContent = this.notice;
    $('score').textContent = `${s.score.right} / ${s.score.total}`;
    $('seed').textContent = String(s.seed);
    this.writeUrl();
    const lib = this.lib;
    if (lib === null) {
      $('question').replaceChildren(html('p', { class: 'hint', 'aria-busy': 'true' }, t('loading')));
      return;
    }
    fillLevels($<HTMLSelectElement>('level'), s, lib);
    const { ex, ledger } = this.exercise(lib);
    const d: Diagnosis | null = s.answer === null ? null : lib.diagnose(ledger, ex.question, s.answer);
    const p = ledger.params.find((q) => q.id === ex.question.param)!;
    const name = lib.paramName(ledger, p);
    const value = ex.question.ask === 'gradient' ? p.grad : p.after;
    const titles = ledger.network.sizes.map((_, l, all) => (l === 0 ? t('input') : l === all.length - 1 ? t('outputLayer') : t('hiddenLayer', { n: l })));
    const diagram = $('diagram');
    renderNetwork(diagram, exerciseNetworkView({ ledger, asked: p.id, revealed: d !== null, value, titles, ariaLabel: t('diagramLabel') }), {
      select: () => $('answer').focus(),
      drag: () => undefined,
    });
    // NOTE: the label sits between two neurons: ∂E/∂w41 for a gradient, w41 → for an updated weight, then ? or the value.
    labelAsked(diagram, p.id, ex.question.ask === 'gradient' ? `∂E/∂${name} =` : `${name} →`, d === null ? '?' : short(value));
    // NOTE: every string of these fragments is escaped by the library's HTML renderer.
    $('given-body').innerHTML = lib.renderBlocksHtml(lib.exerciseBlocks(ex, ledger, { lang: s.lang, question: false }).filter((b) => !(b.kind === 'heading' && b.level === 1)), { lang: s.lang });
    $('question').innerHTML = lib.renderBlocksHtml(lib.questionBlocks(ledger, ex.question, { lang: s.lang }), { lang: s.lang });
    const input = $<HTMLInputElement>('answer');
    input.disabled = d !== null;
    $<HTMLButtonElement>('check').disabled = d !== null;
    if (d !== null) input.value = String(s.answer);
    else if (document.activeElement !== input && input.dataset.exercise !== this.cache!.key) input.value = '';
    input.dataset.exercise = this.cache!.key;
    const feedback = $('feedback');
    feedback.tabIndex = -1;
    if (d === null) {
      feedback.replaceChildren();
      return;
    }
    const parts = [`<div class="verdict ${d.verdict}" id="verdict">${lib.renderBlocksHtml(lib.feedbackBlocks(ledger, d, { lang: s.lang }), { lang: s.lang })}</div>`];
    if (d.verdict !== 'unknown') {
      const narrow = this.narrowLedger(lib);
      const summary = lib.escapeHtml(t('revealed', { p: name }));
      parts.push(`<details id="revealed"><summary>${summary}</summary>${lib.renderHtml(narrow, { lang: s.lang, sections: ['backward', 'update'] })}</details>`);
    }
    feedback.innerHTML = parts.join('\n');
  }
}

function fillLevels(el: HTMLSelectElement, s: PracticeState, lib: Lib): void {
  const key = s.lang;
  if (el.dataset.lang !== key) {
    el.replaceChildren(...PRACTICE_LEVELS.map((l) => {
      const o = document.createElement('option');
      o.value = String(l);
      o.textContent = `${l}: ${lib.practiceMessage(s.lang, `level.${l}`)}`;
      return o;
    }));
    el.dataset.lang = key;
  }
  el.value = String(s.level);
}

const page = new PracticePage(location.hash);
// Exposed for the browser tests: the plain state.
(window as unknown as { practice: PracticePage }).practice = page;
const style = document.createElement('style');
document.head.append(style);
page.render();
void import('backprop/explain').then((lib) => {
  page.lib = lib;
  style.textContent = lib.LEDGER_CSS;
  page.render();
  document.body.dataset.ready = 'true';
}, (e: unknown) => {
  page.notice = e instanceof Error ? e.message : String(e);
  page.render();
});

$('answer-form').addEventListener('submit', (e) => {
  e.preventDefault();
  page.submit($<HTMLInputElement>('answer').value);
});
$('next').addEventListener('click', () => page.next());
$<HTMLSelectElement>('level').addEventListener('change', (e) => page.setLevel(Number((e.target as HTMLSelectElement).value) as PracticeLevel));
$('lang-en').addEventListener('click', () => page.setLang('en'));
$('lang-ko').addEventListener('click', () => page.setLang('ko'));
$('copy-link').addEventListener('click', async () => {
  page.writeUrl();
  try {
    await navigator.clipboard.writeText(location.href);
    page.notice = ui(page.state.lang, 'linkCopied');
  } catch {
    page.notice = location.href;
  }
  page.render();
});
window.addEventListener('hashchange', () => page.hashChanged(location.hash));
