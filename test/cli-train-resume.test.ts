// Resume equals never stopping: a real `backprop train` process is killed with SIGKILL right after
// its first checkpoint appears, resumed, and must end with bit-identical weights to an uninterrupted run.
import { test } from 'node:test';
import assert from 'node:assert/strict';
import { spawn } from 'node:child_process';
import { existsSync, mkdtempSync, readdirSync, readFileSync, rmSync } from 'node:fs';
import { tmpdir } from 'node:os';
import { join } from 'node:path';
import { main } from '../src/cli/main.js';
import { nodeIo } from '../src/node.js';

const repo = new URL('..', import.meta.url).pathname;
const settings = ['--data', 'spiral', '--size', '240', '--noise', '0.05', '--layers', '2,12,12,2', '--optimizer', 'adam', '--lr', '0.01', '--batch-size', '16', '--validation', '0.2', '--schedule', 'plateau:2:0.5', '--clip-norm', '5', '--seed', '7'];
const EPOCHS = 60;

function quietIo(): ReturnType<typeof nodeIo> & { text: string } {
  const io = { ...nodeIo(), text: '', isTTY: false };
  io.stdout = (t: string) => void (io.text += t);
  io.stderr = (t: string) => void (io.text += t);
  return io;
}

test('SIGKILL after a checkpoint, then --resume, gives the same final weights as an uninterrupted run', async () => {
  const dir = mkdtempSync(join(tmpdir(), 'backprop-resume-'));
  try {
    const ckpt = join(dir, 'ckpt');
    const child = spawn(process.execPath, ['--import', 'tsx', 'src/cli/bin.ts', 'train', ...settings, '--epochs', String(EPOCHS), '--checkpoint', ckpt, '--out', join(dir, 'killed.json')], { cwd: repo, stdio: 'ignore' });
    const exited = new Promise<NodeJS.Signals | number | null>((resolve) => child.on('exit', (code, signal) => resolve(signal ?? code)));
    const file = join(ckpt, 'checkpoint.json');
    const deadline = Date.now() + 60_000;
    while (!existsSync(file) && Date.now() < deadline) await new Promise((r) => setTimeout(r, 5));
    assert.ok(existsSync(file), 'no checkpoint appeared within 60 s');
    child.kill('SIGKILL');
    assert.equal(await exited, 'SIGKILL');
    assert.ok(!existsSync(join(dir, 'killed.json')), 'the run finished before the kill; the test needs a longer run');
    const killedAt = JSON.parse(readFileSync(file, 'utf8')).epoch as number;
    assert.ok(killedAt >= 1 && killedAt < EPOCHS, `checkpoint epoch ${killedAt}`);

    const resumedIo = quietIo();
    assert.equal(await main(['train', '--resume', ckpt, '--out', join(dir, 'resumed.json')], resumedIo), 0, resumedIo.text);
    assert.match(resumedIo.text, new RegExp(`resuming after epoch ${killedAt}`));
    assert.deepEqual(readdirSync(ckpt), ['checkpoint.json'], 'no temporary file is left beside the checkpoint');
    const fullIo = quietIo();
    assert.equal(await main(['train', ...settings, '--epochs', String(EPOCHS), '--out', join(dir, 'full.json')], fullIo), 0, fullIo.text);

    const resumed = readFileSync(join(dir, 'resumed.json'), 'utf8');
    const full = readFileSync(join(dir, 'full.json'), 'utf8');
    assert.equal(resumed, full);
    // the printed epoch lines after the kill point agree too
    const tail = (t: string): string[] => t.split('\n').filter((l) => /^epoch +\d+ /.test(l)).slice(-(EPOCHS - killedAt));
    assert.deepEqual(tail(resumedIo.text), tail(fullIo.text));
  } finally {
    rmSync(dir, { recursive: true, force: true });
  }
});

test('--resume refuses a changed setting, and accepts more epochs', async () => {
  const dir = mkdtempSync(join(tmpdir(), 'backprop-resume-'));
  try {
    const ckpt = join(dir, 'ckpt');
    const io = quietIo();
    assert.equal(await main(['train', '--data', 'xor', '--layers', '2,4,2', '--epochs', '3', '--checkpoint', ckpt, '--out', join(dir, 'a.json')], io), 0, io.text);
    const changed = quietIo();
    assert.equal(await main(['train', '--resume', ckpt, '--lr', '0.5', '--out', join(dir, 'b.json')], changed), 2);
    assert.match(changed.text, /--lr 0\.5 differs from the checkpoint's \(not given\)/);
    assert.ok(!existsSync(join(dir, 'b.json')));
    const more = quietIo();
    assert.equal(await main(['train', '--resume', ckpt, '--epochs', '5', '--out', join(dir, 'c.json')], more), 0, more.text);
    assert.deepEqual([...more.text.matchAll(/^epoch (\d+) /gm)].map((m) => Number(m[1])), [4, 5]);
  } finally {
    rmSync(dir, { recursive: true, force: true });
  }
});
