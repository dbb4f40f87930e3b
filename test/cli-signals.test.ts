// Ctrl-C and SIGTERM during `backprop train`, in real processes: the first signal ends training
// after the step in progress, saves what was asked (--out, --plot; the checkpoint holds its last
// epoch), says so in one line and exits 130 (143 for SIGTERM); a second signal ends the process at
// once. No temporary file is left behind.
import assert from 'node:assert/strict';
import { spawn } from 'node:child_process';
import { existsSync, mkdtempSync, readdirSync, rmSync } from 'node:fs';
import { tmpdir } from 'node:os';
import { join } from 'node:path';
import { after, test } from 'node:test';
import { loadCheckpoint, loadModel, main, nodeIo } from '../src/node.js';
import { Interrupt } from '../src/cli/interrupt.js';

const root = new URL('..', import.meta.url).pathname;
const tmp = mkdtempSync(join(tmpdir(), 'backprop-signals-'));
after(() => rmSync(tmp, { recursive: true, force: true }));

/** Starts `backprop train`, sends `signal` once `epoch N` is printed; resolves to what happened. */
function interrupted(args: string[], signal: NodeJS.Signals, afterEpoch: number): Promise<{ code: number | null; signal: NodeJS.Signals | null; stdout: string; stderr: string }> {
  return new Promise((resolve, reject) => {
    const child = spawn(process.execPath, ['--import', 'tsx', join(root, 'src/cli/bin.ts'), 'train', ...args], { cwd: root, stdio: ['ignore', 'pipe', 'pipe'] });
    let stdout = '';
    let stderr = '';
    let sent = false;
    const guard = setTimeout(() => child.kill('SIGKILL'), 120_000);
    child.stdout.on('data', (d: Buffer) => {
      stdout += d.toString();
      if (!sent && new RegExp(`^epoch +${afterEpoch} `, 'm').test(stdout)) {
        sent = true;
        child.kill(signal);
      }
    });
    child.stderr.on('data', (d: Buffer) => (stderr += d.toString()));
    child.on('error', reject);
    child.on('exit', (code, sig) => {
      clearTimeout(guard);
      resolve({ code, signal: sig, stdout, stderr });
    });
  });
}

const temporaries = (dir: string): string[] => (existsSync(dir) ? readdirSync(dir).filter((f) => f.endsWith('.tmp')) : []);

for (const [signal, status] of [['SIGINT', 130], ['SIGTERM', 143]] as const) {
  test(`${signal} during train: the step finishes, --out, --plot and the checkpoint are saved, one line says where, exit ${status}`, { timeout: 150_000 }, async () => {
    const dir = mkdtempSync(join(tmp, `${signal}-`));
    const ckpt = join(dir, 'ckpt');
    const out = join(dir, 'model.json');
    const plot = join(dir, 'curves.svg');
    const r = await interrupted(['--data', 'spiral', '--size', '400', '--layers', '2,16,16,2', '--optimizer', 'adam', '--lr', '0.01', '--batch-size', '4', '--epochs', '100000', '--checkpoint', ckpt, '--plot', plot, '--out', out], signal, 3);
    assert.equal(r.code, status, `exit ${r.code ?? r.signal}: ${r.stderr}`);
    const lines = r.stderr.trim().split('\n');
    assert.equal(lines.length, 1, r.stderr);
    assert.match(lines[0]!, new RegExp(`^interrupted \\(${signal}\\) (in epoch \\d+ after batch \\d+ of 100|after epoch \\d+): .*model\\.json holds the weights of (that step|epoch \\d+); .*curves\\.svg the curves so far; .*ckpt holds epoch (\\d+) \\(continue with --resume .*ckpt\\)$`));
    assert.equal(loadModel(out).model.sizes.join('-'), '2-16-16-2');
    assert.ok(existsSync(plot));
    const held = Number(/ckpt holds epoch (\d+)/.exec(lines[0]!)![1]);
    assert.equal(loadCheckpoint(ckpt).epoch, held, 'the checkpoint holds the epoch the line names');
    assert.ok(held >= 3);
    assert.deepEqual([...temporaries(dir), ...temporaries(ckpt)], [], 'no temporary file outlives the run');
    // The checkpoint resumes.
    let said = '';
    const io = { ...nodeIo(), stdout: (s: string | Uint8Array) => void (said += s), stderr: (s: string) => void (said += s), isTTY: false };
    assert.equal(await main(['train', '--resume', ckpt, '--epochs', String(held + 1), '--out', join(dir, 'resumed.json')], io), 0, said);
    assert.match(said, new RegExp(`resuming after epoch ${held}`));
  });
}

test('after the first signal the default action is back: a second one ends the process at once', { timeout: 60_000 }, async () => {
  // A child that takes the first SIGINT through Interrupt (the callback train uses), then works
  // without a break for 20 s: only the default action of SIGINT can end it sooner.
  const script = `
    import { nodeIo } from './src/node.ts';
    import { Interrupt } from './src/cli/interrupt.ts';
    const interrupt = new Interrupt(nodeIo());
    process.kill(process.pid, 'SIGINT');
    await new Promise((r) => setTimeout(r, 50));
    process.stdout.write('first: ' + interrupt.signal + '\\n');
    const until = Date.now() + 20000;
    while (Date.now() < until) {}
    process.stdout.write('never interrupted\\n');
  `;
  const t0 = Date.now();
  const r = await new Promise<{ signal: NodeJS.Signals | null; out: string; ms: number }>((resolve) => {
    const child = spawn(process.execPath, ['--import', 'tsx', '--input-type=module', '-e', script], { cwd: root, stdio: ['ignore', 'pipe', 'inherit'] });
    let out = '';
    let sentAt = 0;
    child.stdout.on('data', (d: Buffer) => {
      out += d.toString();
      if (sentAt === 0 && out.includes('first: SIGINT')) {
        sentAt = Date.now();
        child.kill('SIGINT');
      }
    });
    child.on('exit', (_code, signal) => resolve({ signal, out, ms: Date.now() - (sentAt || t0) }));
  });
  assert.match(r.out, /first: SIGINT/);
  assert.equal(r.signal, 'SIGINT', r.out);
  assert.ok(r.ms < 5000, `the second SIGINT took ${r.ms} ms to end the process`);
  assert.doesNotMatch(r.out, /never interrupted/);
});

test('Interrupt stops fit at the next step and gives the signals back (in-process, with a fake io)', () => {
  let removed = 0;
  let fire: ((s: 'SIGINT' | 'SIGTERM') => void) | null = null;
  const io = { ...nodeIo(), onInterrupt: (h: (s: 'SIGINT' | 'SIGTERM') => void) => ((fire = h), () => void removed++) };
  const interrupt = new Interrupt(io);
  assert.equal(interrupt.signal, null);
  fire!('SIGTERM');
  assert.equal(interrupt.signal, 'SIGTERM');
  assert.equal(removed, 1, 'the listener is removed at the first signal');
  assert.equal(interrupt.exitStatus, 143);
  fire!('SIGINT');
  assert.equal(interrupt.signal, 'SIGTERM', 'the first signal counts');
});
