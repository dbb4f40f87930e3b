// The reporter of `npm test` (Node's test runner, `--test-reporter`): one line per test file as it
// finishes, the details (failed tests with their errors, the file's output) only for a file that
// failed, and a summary. The exit status is the runner's own: any failure makes it non-zero.
import { relative } from 'node:path';
import { inspect } from 'node:util';

const tty = process.stdout.isTTY === true && process.env.NO_COLOR === undefined;
const paint = (code, text) => (tty ? `\x1b[${code}m${text}\x1b[0m` : text);
const seconds = (ms) => `${(ms / 1000).toFixed(1)} s`;

/** What one file has reported so far. */
function fileState() {
  return { passed: 0, failed: 0, skipped: 0, todo: 0, failures: [], output: [] };
}

/** An error as the runner hands it over: the test's own error is the cause of the runner's wrapper. */
function describeError(error) {
  const e = error?.cause ?? error;
  if (e === undefined || e === null) return 'failed (no error was reported)';
  const text = e instanceof Error ? (e.stack ?? `${e.name}: ${e.message}`).split('\n').filter((l) => !/^\s+at .*\(?node:/.test(l)).join('\n') : inspect(e, { depth: 4 });
  const extra = e instanceof Error && ('expected' in e || 'actual' in e) && !String(e.message).includes('\n')
    ? `\nexpected: ${inspect(e.expected, { depth: 4 })}\nactual:   ${inspect(e.actual, { depth: 4 })}`
    : '';
  return text + extra;
}

/** The text indented by `pad`, cut to `max` lines (an assertion may quote a whole file). */
function indent(text, pad, max = 40) {
  const lines = text.replace(/\n$/, '').split('\n');
  const shown = lines.length > max ? [...lines.slice(0, max), `… (${lines.length - max} more lines)`] : lines;
  return shown.map((l) => pad + l).join('\n');
}

/** One line for a finished file, and its details when it failed. */
function* fileReport(file, s, totals) {
  const ok = s.complete.passed === true && s.failed === 0;
  const count = s.passed + s.failed;
  totals.files++;
  totals.tests += count;
  totals.passed += s.passed;
  totals.failed += s.failed;
  totals.skipped += s.skipped;
  totals.todo += s.todo;
  const name = relative(process.cwd(), file);
  const what = ok ? `${count} test${count === 1 ? '' : 's'}` : `${s.failed} of ${count} failed`;
  const odd = [s.skipped && `${s.skipped} skipped`, s.todo && `${s.todo} todo`].filter(Boolean).join(', ');
  yield `${ok ? paint(32, '✔') : paint(31, '✖')} ${name.padEnd(44)} ${what.padStart(14)}  ${seconds(s.complete.duration_ms ?? 0).padStart(7)}${odd ? `  (${odd})` : ''}\n`;
  if (ok) return;
  totals.failedFiles++;
  if (s.failures.length === 0) s.failures.push({ name: '(the file)', error: describeError(s.complete.error) });
  for (const f of s.failures) yield `${paint(31, `  ✖ ${f.name}`)}\n${indent(f.error, '      ')}\n`;
  if (s.output.length) yield `  output of ${name}:\n${indent(s.output.join(''), '    ', 200)}\n`;
}

export default async function* reporter(source) {
  // NOTE: Node 20 sends a file's `test:complete` when its process ends, but replays the file's own
  // events (start, pass, fail, output) file after file in the order given; a file is reported once
  // both have arrived and the replay has moved on to the next file (or ended).
  const files = new Map();
  const completed = new Map();
  const order = [];
  let replaying;
  const totals = { files: 0, failedFiles: 0, tests: 0, passed: 0, failed: 0, cancelled: 0, skipped: 0, todo: 0, ms: 0 };
  const stateOf = (file) => {
    if (!files.has(file)) {
      files.set(file, fileState());
      order.push(file);
    }
    return files.get(file);
  };
  function* ready(ended) {
    while (order.length > 0) {
      const file = order[0];
      if (!completed.has(file) || (!ended && file === replaying)) return;
      order.shift();
      yield* fileReport(file, { ...files.get(file), complete: completed.get(file) }, totals);
    }
  }
  /** Names of the tests being run, by nesting, to print a failed subtest with its parents. */
  const path = [];
  for await (const event of source) {
    const d = event.data ?? {};
    const file = d.file;
    if (file !== undefined && !['test:complete', 'test:enqueue', 'test:dequeue'].includes(event.type)) {
      stateOf(file);
      if (replaying !== file) {
        replaying = file;
        path.length = 0;
      }
    }
    switch (event.type) {
      case 'test:start':
        path.length = d.nesting;
        path[d.nesting] = d.name;
        break;
      case 'test:pass':
      case 'test:fail': {
        if (file === undefined) break;
        const s = stateOf(file);
        if (d.name === file) {
          // The file itself failed outside any test (it did not load, or exited early).
          if (event.type === 'test:fail' && s.failures.length === 0) {
            s.failures.push({ name: '(the file itself)', error: 'the file failed outside its tests; its output follows' });
            s.failed++;
          }
          break;
        }
        if (d.skip !== undefined && d.skip !== false) s.skipped++;
        else if (d.todo !== undefined && d.todo !== false) s.todo++;
        else if (event.type === 'test:pass') s.passed++;
        else {
          s.failed++;
          // A parent whose subtests failed adds nothing: the subtest reports itself.
          if (d.details?.error?.failureType !== 'subtestsFailed') {
            s.failures.push({ name: [...path.slice(0, d.nesting), d.name].join(' › '), error: describeError(d.details?.error) });
          }
        }
        break;
      }
      case 'test:stdout':
      case 'test:stderr':
        if (file !== undefined) stateOf(file).output.push(d.message);
        break;
      case 'test:diagnostic':
        if (file === undefined) {
          // The runner's closing counts: `tests 479`, `pass 479`, `duration_ms 81234.5`, …
          const m = /^(\w+) ([\d.]+)$/.exec(d.message);
          if (m && m[1] === 'cancelled') totals.cancelled = Number(m[2]);
          if (m && m[1] === 'duration_ms') totals.ms = Number(m[2]);
        } else {
          stateOf(file).output.push(`# ${d.message}\n`);
        }
        break;
      case 'test:complete':
        if (file !== undefined && d.name === file) completed.set(file, d.details ?? {});
        break;
      default:
        break;
    }
    yield* ready(false);
  }
  // A file that reported nothing at all (no tests, no output) is known only by its completion.
  for (const file of completed.keys()) if (!files.has(file)) stateOf(file);
  yield* ready(true);
  const failed = totals.failed > 0 || totals.failedFiles > 0;
  const odd = [totals.cancelled && `${totals.cancelled} cancelled`, totals.skipped && `${totals.skipped} skipped`, totals.todo && `${totals.todo} todo`].filter(Boolean).join(', ');
  const fileCount = (n) => `${n} file${n === 1 ? '' : 's'}`;
  const line = failed
    ? paint(31, `${totals.failed} of ${totals.tests} tests failed, in ${totals.failedFiles} of ${fileCount(totals.files)}`)
    : paint(32, `all ${totals.tests} tests passed, in ${fileCount(totals.files)}`);
  yield `\n${line}${odd ? ` (${odd})` : ''} — ${seconds(totals.ms)}\n`;
}
