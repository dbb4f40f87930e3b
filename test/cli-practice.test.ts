// `backprop practice` and `backprop check`: grading by --answer (text and JSON), the exercise as
// JSON, the interactive loop with a scripted io, a real session in a pseudo-terminal (util-linux
// `script`, in Korean: one right answer and two wrong ones; the transcript is kept in
// test-artifacts/practice/), and bad input answered with one line and status 2.
import assert from 'node:assert/strict';
import { spawn } from 'node:child_process';
import { mkdirSync, writeFileSync } from 'node:fs';
import { join } from 'node:path';
import { test } from 'node:test';
import { fileURLToPath } from 'node:url';
import { main } from '../src/cli/main.js';
import type { LineInput } from '../src/cli/io.js';
import { exerciseLedger, makeExercise, practiceCandidates, type MistakeId } from '../src/explain/index.js';
import { backward } from '../src/autograd/engine.js';
import { Dense } from '../src/nn/dense.js';
import { modelLoss } from '../src/nn/losses.js';
import { Sequential } from '../src/nn/sequential.js';
import { toModelFile } from '../src/io/model-file.js';
import { tensor } from '../src/tensor/create.js';
import { Rng } from '../src/tensor/rng.js';
import { memoryIo } from './helpers/cli-io.js';
import { seedExpected } from './helpers/seed.js';

const root = fileURLToPath(new URL('..', import.meta.url));
const E = seedExpected();

async function run(argv: string[], options: Parameters<typeof memoryIo>[0] = {}): Promise<{ status: number; out: string; err: string }> {
  const io = memoryIo(options);
  const status = await main(argv, io);
  return { status, out: io.out, err: io.err };
}

/** The right value and one mistake's value of the exercise of `level` and `seed`. */
function answersOf(level: 1 | 2 | 3 | 4 | 5, seed: number, id?: MistakeId): { right: number; wrong: number } {
  const ex = makeExercise(level, seed);
  const c = practiceCandidates(exerciseLedger(ex), ex.question);
  const m = id === undefined ? c.mistakes[0]! : c.mistakes.find((x) => x.id === id)!;
  return { right: c.right, wrong: m.value };
}

test('practice --answer grades one exercise: right, or the mistake named with the ledger lines; --json says the same', async () => {
  const ex = makeExercise(1, 7);
  const { right } = answersOf(1, 7);
  const r = await run(['practice', '--level', '1', '--seed', '7', '--answer', right.toPrecision(4)]);
  assert.equal(r.status, 0, r.err);
  assert.match(r.out, /^Compute ∂E\/∂w\d+/m);
  assert.match(r.out, /^Right: ∂E\/∂w\d+ = /m);
  const wrong = answersOf(1, 7, 'carried-net-input').wrong;
  const w = await run(['practice', '--level', '1', '--seed', '7', '--answer', String(wrong), '--lang', 'ko']);
  assert.match(w.out, /틀렸습니다\. .*: 다음 실수를 하면 나오는 값입니다 — 출력 a\d 대신 순입력 z\d 사용\./);
  assert.match(w.out, /계산 장부에서 이 실수와 어긋나는 줄:\n {2}a\d +=/);
  const j = await run(['practice', '--level', '1', '--seed', '7', '--answer', String(wrong), '--json']);
  const report = JSON.parse(j.out) as { exercise: unknown; verdict: string; mistake: { id: string; name: string }; right: number; feedback: string };
  assert.deepEqual(report.exercise, ex);
  assert.equal(report.verdict, 'mistake');
  assert.equal(report.mistake.id, 'carried-net-input');
  assert.equal(report.right, right);
  assert.match(report.feedback, /^Not quite: /);
});

test('practice --json prints the exercise (without its answer); without a terminal it prints the exercise and how to answer', async () => {
  const j = await run(['practice', '--level', '2', '--seed', '7', '--json']);
  assert.deepEqual(JSON.parse(j.out), makeExercise(2, 7));
  const t = await run(['practice', '--level', '3', '--seed', '11', '--lang', 'ko']);
  assert.equal(t.status, 0);
  assert.match(t.out, /^연습 문제 · 단계 3: 은닉층 가중치 · 시드 11$/m);
  assert.match(t.out, /^순전파$/m);
  assert.match(t.out, /^답하는 방법: npx backprop practice --lang ko --level 3 --seed 11 --answer X$/m);
  assert.doesNotMatch(t.out, /역전파: 출력층에서/, 'the backward pass is not given away');
});

test('practice on a terminal: ask, grade, score, next exercise; a word that is not a number is asked again; q ends with the score', async () => {
  const right = answersOf(1, 20).right;
  const wrong = answersOf(1, 21, 'cost-without-half').wrong;
  const typed = [String(right), '', 'abc\u001b[31m', String(wrong), '', '0.123456', 'q'];
  const prompts: string[] = [];
  let closed = 0;
  const io = memoryIo({ isTTY: true });
  io.env = { NO_COLOR: '1' };
  io.openLines = (): LineInput => ({
    read: (prompt) => {
      prompts.push(prompt);
      io.out += prompt;
      return Promise.resolve(typed.shift() ?? null);
    },
    close: () => void closed++,
  });
  const status = await main(['practice', '--level', '1', '--seed', '20'], io);
  assert.equal(status, 0, io.err);
  assert.ok(closed >= 1, 'the input is closed');
  assert.equal(typed.length, 0, 'every line was read');
  assert.match(io.out, /Exercise · level 1: an output weight · seed 20/);
  assert.match(io.out, /Exercise · level 1: an output weight · seed 21/);
  assert.match(io.out, /Exercise · level 1: an output weight · seed 22/);
  assert.match(io.out, /^Right: /m);
  assert.match(io.out, /Score: 1 of 1 · This exercise again: npx backprop practice --level 1 --seed 20/);
  assert.match(io.out, /Expected a number such as 0\.0405, got "abc\\u001b\[31m"\./, 'what was typed is shown escaped');
  assert.doesNotMatch(io.out, /\u001b/, 'no escape character reaches the terminal');
  assert.match(io.out, /Not quite: .* — the cost without ½ \(a factor 2\)\./);
  assert.match(io.out, /Score: 1 of 2 · /);
  assert.match(io.out, /0\.123456 matches none of the \d+ mistakes/);
  assert.match(io.out, /Score: 1 of 3\n$/);
  assert.equal(prompts.filter((p) => p === 'Your answer (q to quit): ').length, 4);
});

/** Runs `backprop practice` in a pseudo-terminal, typing each answer when its prompt appears. */
function ptySession(args: string[], answers: string[], prompt: string, next: string): Promise<{ status: number | null; transcript: string }> {
  return new Promise((resolve, reject) => {
    const cmd = [process.execPath, '--import', 'tsx', join(root, 'src/cli/bin.ts'), ...args].map((w) => `'${w}'`).join(' ');
    const child = spawn('script', ['-q', '-e', '-c', cmd, '/dev/null'], { cwd: root, env: { ...process.env, NO_COLOR: '1', TERM: 'xterm', COLUMNS: '100' } });
    let raw = '';
    let asked = 0;
    let step = 0;
    const timer = setTimeout(() => {
      child.kill();
      reject(new Error(`the session did not finish:\n${raw}`));
    }, 120_000);
    // NOTE: one decoder for the whole stream: a Korean character split across two chunks would otherwise become U+FFFD.
    child.stdout.setEncoding('utf8');
    child.stdout.on('data', (chunk: string) => {
      raw += chunk;
      const prompts = raw.split(prompt).length - 1 + raw.split(next).length - 1;
      while (asked < prompts && step < answers.length) {
        asked++;
        child.stdin.write(`${answers[step++]}\r`);
      }
    });
    child.on('error', reject);
    child.on('close', (status) => {
      clearTimeout(timer);
      // NOTE: the transcript as a reader sees it: cursor movements of the line editor and carriage returns removed.
      resolve({ status, transcript: raw.replace(/\u001b\[[0-9;?]*[A-Za-z]/g, '').replace(/\r/g, '') });
    });
  });
}

test('a Korean session in a pseudo-terminal: one right and two wrong answers, each named, and the score', { timeout: 150_000 }, async () => {
  const a = answersOf(1, 3);
  const b = answersOf(1, 4, 'cost-without-half');
  const c = answersOf(1, 5, 'update-sign-reversed');
  const answers = [a.right.toPrecision(3), '', b.wrong.toPrecision(4), '', c.wrong.toPrecision(6), 'q'];
  const { status, transcript } = await ptySession(['practice', '--lang', 'ko', '--level', '1', '--seed', '3'], answers, '답 (끝내려면 q): ', '다음 문제는 Enter, 끝내려면 q: ');
  const dir = join(root, 'test-artifacts/practice');
  mkdirSync(dir, { recursive: true });
  writeFileSync(join(dir, 'session-ko.txt'), transcript);
  assert.equal(status, 0, transcript);
  assert.doesNotMatch(transcript, /\uFFFD/, 'every character of the session arrives whole');
  assert.match(transcript, /연습 문제 · 단계 1: 출력층 가중치 · 시드 3/);
  assert.match(transcript, /맞았습니다: ∂E\/∂w\d+ = /);
  assert.match(transcript, /틀렸습니다\. .* — 비용 함수의 ½을 뺌 \(2배\)\./);
  assert.match(transcript, /구할 값: 경사 하강법으로 한 단계 수정한 뒤의 w\d+/);
  assert.match(transcript, /틀렸습니다\. .* — 가중치 수정의 부호를 뒤집음\./);
  assert.match(transcript, /점수: 3문제 중 1문제 맞음\n/);
});

test('check grades a hand calculation on the seed network by default, or on a model file; --json; the notebook’s names', async () => {
  const r = await run(['check', '--param', 'w41', '--answer', '0.0809']);
  assert.equal(r.status, 0, r.err);
  assert.match(r.out, /^Not quite: 0\.0809 is what you get with this mistake — the cost without ½ \(a factor 2\)\.$/m);
  assert.match(r.out, /The right value: ∂E\/∂w41 = 0\.04047892\./);
  const ok = await run(['check', '--param', 'bw41', '--answer', '0.04048']);
  assert.match(ok.out, /^Right: ∂E\/∂w41 = 0\.04047892 \(your answer 0\.04048\)\.$/m);
  const bb2 = await run(['check', '--param', 'bb2', '--answer', String(E.notebook.bb2_sum), '--json']);
  const report = JSON.parse(bb2.out) as { verdict: string; mistake: { id: string; name: string } };
  assert.equal(report.mistake.id, 'bias-sum');
  assert.equal(report.mistake.name, 'the sum of the two neurons’ bias gradients');
  const ko = await run(['check', '--param', 'bb2', '--answer', '0.16377596', '--lang', 'ko']);
  assert.match(ko.out, /^\(b2\[0\] 기준으로 채점\)$/m);
  assert.match(ko.out, /두 뉴런의 편향 기울기를 더한 값/);
  const file = await run(['check', 'examples/seed-model.json', '--input', '[[1,2,3]]', '--target', '[[0.5,0.1]]', '--param', 'w41', '--updated', '--answer', '0.6798']);
  assert.equal(file.status, 0, file.err);
  assert.match(file.out, /^Right: w41 after the update = 0\.67976054/m);
  const slip = await run(['check', '--param', 'W2[0][0]', '--updated', '--lr', '0.1', '--answer', String(0.7 + 0.1 * E.notebook.bw41)]);
  assert.match(slip.out, /the update with the wrong sign/);
});

test('check on a network too large for a whole ledger (5,834 parameters): the ledger is narrowed to the parameter', async () => {
  const rng = new Rng(3);
  const model = new Sequential([Dense.create({ inputs: 80, units: 64, activation: 'tanh', rng }), Dense.create({ inputs: 64, units: 10, activation: 'sigmoid', rng })]);
  const x = [Array.from({ length: 80 }, (_, i) => (i % 7) / 7)];
  const t = [Array.from({ length: 10 }, (_, i) => (i === 3 ? 1 : 0))];
  model.zeroGrad();
  backward(modelLoss(model, 'sse', tensor(x), tensor(t)));
  const g = model.layers[1]!.weight.grad!.data[3 * 64 + 5]!;
  const files = { 'big.json': JSON.stringify(toModelFile(model, 'sse')) };
  const args = ['check', 'big.json', '--input', JSON.stringify(x), '--target', JSON.stringify(t), '--param', 'W2[3][5]'];
  const right = await run([...args, '--answer', String(g)], { files });
  assert.equal(right.status, 0, right.err);
  assert.match(right.out, /^Right: ∂E\/∂W2\[3\]\[5\] = /m);
  const twice = await run([...args, '--answer', String(2 * g)], { files });
  assert.match(twice.out, /the cost without ½/);
});

test('bad input: one line, status 2', async () => {
  const cases: [string[], RegExp][] = [
    [['practice', '--answer', '0.1'], /^backprop: practice: --answer needs the --seed S/],
    [['practice', '--level', '6'], /^backprop: practice: the level must be one of 1, 2, 3, 4, 5, got 6/],
    [['practice', '--seed', '5000000000'], /^backprop: practice: --seed must be at most 4294967295/],
    [['check', '--answer', '0.1'], /^backprop: check: missing --param NAME/],
    [['check', '--param', 'w41'], /^backprop: check: missing --answer X/],
    [['check', '--param', 'w99', '--answer', '1'], /^backprop: --param: no parameter "w99" in a network of sizes \[3, 2, 2\]/],
    [['check', '--param', 'w41', '--answer', 'abc'], /^backprop: check: --answer expects a number, got "abc"/],
    [['check', 'examples/seed-model.json', '--param', 'w41', '--answer', '1'], /^backprop: check: a model file needs --input X and --target T/],
  ];
  for (const [argv, re] of cases) {
    const r = await run(argv);
    assert.equal(r.status, 2, `${argv.join(' ')}: ${r.err}`);
    assert.match(r.err, re, argv.join(' '));
    assert.equal(r.err.split('\n').filter(Boolean).length, 1, `${argv.join(' ')}: one line`);
  }
});
