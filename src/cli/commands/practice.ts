import { BackpropError } from '../../errors.js';
import type { Command } from '../command.js';
import { INVOKE } from '../command.js';
import type { CliIo } from '../io.js';
import { practiceCliText } from '../locales/practice.js';

type Explain = typeof import('../../explain/index.js');
type Lang = 'en' | 'ko';

/**
 * `backprop practice [--lang ko] [--level 1-5] [--seed S] [--answer X] [--json]` — an exercise on a
 * small network: the forward values are given, a gradient (or an updated weight) is asked; the
 * answer is graded and a wrong one is named as a mistake, with the ledger lines it contradicts.
 * On a terminal it asks, grades and goes on to the next exercise with a running score.
 */
export const practice: Command = {
  name: 'practice',
  summary: 'exercises on small networks: compute a gradient by hand, get it graded, and a wrong answer named as a mistake',
  spec: {
    flags: {
      level: { type: 'int', value: 'L', min: 1, help: 'level 1–5: an output weight, an output bias, a hidden weight, a batch of two with mse, softmax with cross-entropy (default 1)' },
      seed: { type: 'int', value: 'S', min: 0, help: 'the exercise’s seed (default: a new one each run, printed with the exercise)' },
      answer: { type: 'number', value: 'X', help: 'grade this answer to the exercise of --level and --seed, and stop' },
      lang: { type: 'string', choices: ['en', 'ko'], help: 'language: en (English) or ko (한국어, Korean); default en' },
      json: { type: 'boolean', help: 'print JSON: the exercise, or with --answer the graded answer' },
    },
  },
  examples: ['npx backprop practice', 'npx backprop practice --lang ko --level 3', 'npx backprop practice --level 1 --seed 7 --answer 0.0405', 'npx backprop practice --level 2 --seed 7 --json'],
  async run(args, io) {
    const lib = await import('../../explain/index.js');
    const lang = lib.checkLang(args.flags.lang ?? 'en');
    const level = lib.checkLevel((args.flags.level as number | undefined) ?? 1);
    const given = args.flags.seed as number | undefined;
    if (given !== undefined && given > 0xffffffff) throw new BackpropError('argument', `practice: --seed must be at most 4294967295, got ${given}`);
    const answer = args.flags.answer as number | undefined;
    if (answer !== undefined && given === undefined) throw new BackpropError('argument', `practice: --answer needs the --seed S (and --level L) of the exercise it answers, e.g. ${INVOKE} practice --level ${level} --seed 7 --answer ${answer}`);
    // NOTE: without --seed each run draws a new exercise; the seed is printed so it can be done again.
    const seed = given ?? Date.now() % 1_000_000;
    const json = args.flags.json === true;
    const color = io.isTTY && io.env.NO_COLOR === undefined;
    const ex = lib.makeExercise(level, seed);
    const ledger = lib.exerciseLedger(ex);
    const again = `${INVOKE} practice${lang === 'ko' ? ' --lang ko' : ''} --level ${level} --seed ${seed}`;
    const say = practiceCliText(lang);
    if (answer !== undefined) {
      const d = lib.diagnose(ledger, ex.question, answer);
      if (json) io.stdout(JSON.stringify({ exercise: ex, ...lib.diagnosisReport(ledger, d, { lang }) }, null, 1) + '\n');
      else io.stdout(lib.renderBlocksText([...lib.questionBlocks(ledger, ex.question, { lang }).slice(0, 2), ...lib.feedbackBlocks(ledger, d, { lang })], { color }));
      return 0;
    }
    if (json) {
      io.stdout(JSON.stringify(ex, null, 1) + '\n');
      return 0;
    }
    if (!io.isTTY || io.openLines === undefined) {
      io.stdout(lib.renderBlocksText(lib.exerciseBlocks(ex, ledger, { lang }), { color }) + `\n${say('answerWith', { command: `${again} --answer X` })}\n`);
      return 0;
    }
    return interactive(lib, io, { lang, level, seed, color });
  },
};

/** The terminal session: an exercise, an answer, its grading, the score; then the next seed. */
async function interactive(lib: Explain, io: CliIo, o: { lang: Lang; level: ReturnType<Explain['checkLevel']>; seed: number; color: boolean }): Promise<number> {
  const say = practiceCliText(o.lang);
  const lines = io.openLines!();
  const score = { right: 0, total: 0 };
  const bye = (): number => {
    lines.close();
    io.stdout(`${lib.practiceMessage(o.lang, 'score', score)}\n`);
    return 0;
  };
  try {
    for (let seed = o.seed; ; seed++) {
      const ex = lib.makeExercise(o.level, seed);
      const ledger = lib.exerciseLedger(ex);
      io.stdout(lib.renderBlocksText(lib.exerciseBlocks(ex, ledger, { lang: o.lang }), { color: o.color }) + '\n');
      let answer: number | null = null;
      while (answer === null) {
        const line = await lines.read(say('prompt'));
        if (line === null || /^\s*(q|quit|exit)\s*$/i.test(line)) return bye();
        if (line.trim() === '') continue;
        const x = Number(line.trim());
        if (Number.isFinite(x)) answer = x;
        // NOTE: what was typed is shown as a JSON string, so control characters cannot reach the terminal.
        else io.stdout(`${say('notANumber', { text: JSON.stringify(line.trim().slice(0, 40)) })}\n`);
      }
      const d = lib.diagnose(ledger, ex.question, answer);
      score.total++;
      if (d.verdict === 'right') score.right++;
      io.stdout('\n' + lib.renderBlocksText(lib.feedbackBlocks(ledger, d, { lang: o.lang }), { color: o.color }));
      io.stdout(`\n${lib.practiceMessage(o.lang, 'score', score)} · ${say('again', { command: `${INVOKE} practice${o.lang === 'ko' ? ' --lang ko' : ''} --level ${o.level} --seed ${seed}` })}\n`);
      const next = await lines.read(say('next'));
      if (next === null || /^\s*(q|quit|exit)\s*$/i.test(next)) return bye();
      io.stdout('\n');
    }
  } finally {
    lines.close();
  }
}
