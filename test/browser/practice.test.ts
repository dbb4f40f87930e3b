// The playground's practice page in a real browser (Debian's Chromium through playwright-core):
// the exercise drawn from the URL (the same network and question as the library draws in Node),
// the asked weight dashed and hidden in the diagram, a wrong answer named with the library's words,
// a right one, the running score, a new exercise, the link that reopens an exercise, Korean, a
// phone-sized screen, the link from the playground, and axe-core's rules. Screenshots go to
// test-artifacts/practice/.
import assert from 'node:assert/strict';
import { mkdirSync } from 'node:fs';
import { join } from 'node:path';
import { after, before, test } from 'node:test';
import { chromium, type Browser, type BrowserContext, type Page } from 'playwright-core';
import { serveStatic, type StaticServer } from '../../src/cli/commands/playground.js';
import { exerciseLedger, makeExercise, mistakeName, practiceCandidates, type MistakeId } from '../../src/explain/index.js';
import { formatNumber } from '../../src/index.js';
import { axeSerious } from './axe.js';
import { ensureWebBuilt, root, webDist } from './build.js';

const shots = join(root, 'test-artifacts/practice');
const ARGS = ['--no-sandbox', '--disable-gpu', '--disable-background-networking', '--disable-component-update', '--no-first-run', '--disable-sync'];

let server: StaticServer;
let browser: Browser;
let context: BrowserContext;
const problems: string[] = [];

async function open(path: string, ctx: BrowserContext = context): Promise<Page> {
  const page = await ctx.newPage();
  page.on('console', (m) => {
    if (m.type() === 'error' || m.type() === 'warning') problems.push(`${m.type()}: ${m.text()}`);
  });
  page.on('pageerror', (e) => problems.push(`pageerror: ${e.message}`));
  await page.goto(server.url + path);
  await page.waitForSelector('body[data-ready="true"]');
  return page;
}

const text = async (page: Page, sel: string): Promise<string> => ((await page.textContent(sel)) ?? '').replace(/\s+/g, ' ').trim();

/** The library's view of the exercise of `level` and `seed`, here in Node. */
function exercise(level: 1 | 2 | 3 | 4 | 5, seed: number) {
  const ex = makeExercise(level, seed);
  const ledger = exerciseLedger(ex);
  const c = practiceCandidates(ledger, ex.question);
  const mistake = (id?: MistakeId) => (id === undefined ? c.mistakes[0]! : c.mistakes.find((m) => m.id === id)!);
  const p = ledger.params.find((q) => q.id === ex.question.param)!;
  return { ex, ledger, right: c.right, mistake, name: p.notebook ?? p.id };
}

async function answer(page: Page, value: string): Promise<void> {
  await page.fill('#answer', value);
  await page.click('#check');
  await page.waitForSelector('#verdict');
}

/** Throws unless the asked parameter's label lies clear of every neuron, its number, δ and target in the diagram. */
async function labelClear(page: Page, where: string): Promise<void> {
  // NOTE: no named function inside evaluate: tsx would wrap it in a helper the page does not have.
  const hits = await page.evaluate(() => {
    const l = document.querySelector<SVGTextElement>('#asked-label')!.getBBox();
    return [...document.querySelectorAll<SVGGraphicsElement>('svg.network g.node > *')]
      .filter((el) => {
        const b = el.getBBox();
        return !(l.x + l.width <= b.x || b.x + b.width <= l.x || l.y + l.height <= b.y || b.y + b.height <= l.y);
      })
      .map((el) => `${el.tagName}.${el.getAttribute('class')} ${el.textContent ?? ''}`.trim());
  });
  assert.deepEqual(hits, [], `${where}: the label ${await text(page, '#asked-label')} covers these`);
}

before(async () => {
  ensureWebBuilt();
  mkdirSync(shots, { recursive: true });
  server = await serveStatic(webDist, 0);
  browser = await chromium.launch({ executablePath: '/usr/bin/chromium', args: ARGS });
  context = await browser.newContext({ viewport: { width: 1400, height: 1000 }, reducedMotion: 'reduce' });
  await context.grantPermissions(['clipboard-read', 'clipboard-write'], { origin: server.url.replace(/\/$/, '') });
});

after(async () => {
  await browser?.close();
  await server?.close();
});

test('the exercise of the URL: the library’s network and question, the asked weight dashed in the diagram and hidden until answered', async () => {
  const { ex, ledger, name } = exercise(1, 3);
  const page = await open('practice.html#level=1&seed=3&lang=en');
  const nodes = ledger.network.sizes.reduce((a, b) => a + b, 0);
  assert.equal(await page.locator('svg.network g.node').count(), nodes);
  assert.equal(await page.locator(`g.edge.selected[data-param="${ex.question.param}"]`).count(), 1, 'the asked weight is dashed');
  assert.equal(await text(page, '#asked-label'), `∂E/∂${name} = ?`);
  assert.equal(await page.locator('.node-delta').count(), 0, 'no δ before the answer');
  assert.match(await text(page, '#question'), new RegExp(`Compute ∂E/∂${name}, the gradient of the cost`));
  // The forward values are given, the backward pass is not.
  const given = await text(page, '#given-body');
  assert.ok(given.includes(formatNumber(ledger.cost.value)), `the cost ${ledger.cost.value} is given`);
  assert.ok(given.includes(formatNumber(ledger.output[0]![0]!)), 'y is given');
  assert.doesNotMatch(given, /Backward pass|δ\d/);
  assert.equal(await text(page, '#feedback'), '');
  assert.equal(await text(page, '#score'), '0 / 0');
  await labelClear(page, 'level 1 seed 3, asked');
  await page.screenshot({ path: join(shots, 'practice-question.png'), fullPage: true });
  assert.deepEqual(problems, []);
  await page.close();
});

test('a wrong answer is named as its mistake (the library’s words), δ and the value appear, the score counts; New exercise; a right answer', async () => {
  const first = exercise(1, 4);
  const wrong = first.mistake('cost-without-half');
  const page = await open('practice.html#level=1&seed=4&lang=en');
  await page.fill('#answer', 'abc');
  await page.click('#check');
  await page.waitForFunction(() => document.getElementById('notice')?.textContent !== '');
  assert.equal(await text(page, '#notice'), 'Type a number such as 0.0405.');
  await answer(page, wrong.value.toPrecision(4));
  const verdict = await text(page, '#verdict');
  assert.ok(verdict.startsWith(`Not quite: ${wrong.value.toPrecision(4)} is what you get with this mistake — ${mistakeName(wrong)}.`), verdict);
  assert.match(verdict, new RegExp(`The right value: ∂E/∂${first.name} = ${formatNumber(first.right).replace('.', '\\.')}`));
  assert.match(verdict, /The ledger lines it contradicts:/);
  assert.equal(await text(page, '#asked-label'), `∂E/∂${first.name} = ${Number(first.right.toPrecision(4))}`);
  assert.ok(await page.locator('.node-delta').count() > 0, 'the δ of every neuron is shown after the answer');
  assert.equal(await page.isDisabled('#answer'), true, 'one answer per exercise');
  assert.equal(await text(page, '#score'), '0 / 1');
  await page.click('#revealed summary');
  assert.match(await text(page, '#revealed'), /Backward pass/);
  assert.match(page.url(), /#level=1&seed=4&lang=en&score=0-1&answer=/);
  await labelClear(page, 'level 1 seed 4, answered');
  await page.screenshot({ path: join(shots, 'practice-mistake.png'), fullPage: true });
  // The next exercise: seed 5, the field empty again; a right answer.
  await page.click('#next');
  await page.waitForFunction(() => document.getElementById('seed')?.textContent === '5');
  const second = exercise(1, 5);
  assert.equal(await page.inputValue('#answer'), '');
  await answer(page, second.right.toPrecision(6));
  assert.match(await text(page, '#verdict'), /^Right: /);
  const label = second.ex.question.ask === 'gradient' ? `∂E/∂${second.name} =` : `${second.name} →`;
  assert.equal(await text(page, '#asked-label'), `${label} ${Number(second.right.toPrecision(4))}`);
  assert.equal(await text(page, '#score'), '1 / 2');
  assert.match(page.url(), /#level=1&seed=5&lang=en&score=1-2&answer=/);
  await labelClear(page, 'level 1 seed 5, answered');
  await page.screenshot({ path: join(shots, 'practice-right.png'), fullPage: true });
  assert.deepEqual(problems, []);
  await page.close();
});

test('a teacher’s link opens the same exercise, answer and score; the level menu draws another; the playground links here in its language', async () => {
  const { ex } = exercise(3, 12);
  const page = await open('practice.html#level=3&seed=12&lang=en&score=2-5');
  assert.equal(await page.locator(`g.edge.selected[data-param="${ex.question.param}"]`).count(), 1);
  assert.equal(await text(page, '#score'), '2 / 5');
  assert.equal(await page.inputValue('#level'), '3');
  await page.selectOption('#level', '2');
  await page.waitForFunction(() => location.hash.startsWith('#level=2&'));
  const bias = exercise(2, 12);
  assert.equal(await page.locator(`g.bias.selected[data-param="${bias.ex.question.param}"]`).count(), 1, 'a bias question dashes the bias');
  const playground = await open('#v=1&lang=ko');
  assert.equal(await text(playground, '#practice-link'), '연습 문제');
  await playground.click('#practice-link');
  await playground.waitForSelector('body[data-ready="true"]');
  assert.match(playground.url(), /practice\.html#.*lang=ko/);
  assert.equal(await text(playground, 'h1'), 'backprop 연습 문제');
  await playground.close();
  await page.close();
});

test('in Korean: the seed-like bias question answered with the sum of both bias gradients is named so; a phone screen fits; axe-core passes', async () => {
  // Find a level-2 exercise asking a gradient, to answer with the notebook's bb2 slip.
  let seed = 1;
  while (makeExercise(2, seed).question.ask !== 'gradient') seed++;
  const { mistake } = exercise(2, seed);
  const sum = mistake('bias-sum');
  const phone = await browser.newContext({ viewport: { width: 390, height: 844 }, deviceScaleFactor: 2, isMobile: true, hasTouch: true, reducedMotion: 'reduce' });
  const page = await open(`practice.html#level=2&seed=${seed}&lang=ko`, phone);
  assert.equal(await page.evaluate(() => document.documentElement.lang), 'ko');
  await answer(page, sum.value.toPrecision(5));
  const verdict = await text(page, '#verdict');
  assert.match(verdict, /^틀렸습니다\. .* — 두 뉴런의 편향 기울기를 더한 값\./);
  assert.match(verdict, /원본 노트북의 bb2/);
  const wide = await page.evaluate(() => document.documentElement.scrollWidth - document.documentElement.clientWidth);
  assert.ok(wide <= 1, `the page scrolls sideways by ${wide} px`);
  await labelClear(page, `level 2 seed ${seed}, phone`);
  await page.screenshot({ path: join(shots, 'practice-korean-phone.png'), fullPage: true });
  assert.deepEqual(await axeSerious(page), []);
  await phone.close();
  const desk = await open(`practice.html#level=2&seed=${seed}&lang=ko`);
  await answer(desk, sum.value.toPrecision(5));
  await labelClear(desk, `level 2 seed ${seed}, answered`);
  await desk.screenshot({ path: join(shots, 'practice-korean.png'), fullPage: true });
  assert.deepEqual(await axeSerious(desk), []);
  assert.deepEqual(problems, []);
  await desk.close();
});
