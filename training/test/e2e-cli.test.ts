/**
 * The CLI as a user runs it: a child process, relative paths resolved against INIT_CWD, Ctrl-C
 * (SIGINT) after the first epoch prints how to resume, and `--resume` finishes the run.
 */
import { spawn } from 'node:child_process';
import { mkdtemp, readFile, readdir, rm } from 'node:fs/promises';
import { tmpdir } from 'node:os';
import { dirname, join, resolve } from 'node:path';
import { fileURLToPath } from 'node:url';
import { afterAll, beforeAll, describe, expect, it } from 'vitest';
import { validateMetadata } from '../../src/core/metadata.ts';
import type { RunMeta } from '../src/track/index.ts';
import { readJson } from './helpers/json.ts';
import { makeTinyDataset } from './helpers/tiny-dataset.ts';

const TRAINING = resolve(dirname(fileURLToPath(import.meta.url)), '..');
let root: string;

interface Exit {
  code: number | null;
  stdout: string;
  stderr: string;
}

/** Runs the CLI in training/ (as npm does) with INIT_CWD = root; `onLine` may signal the process. */
function cli(args: string[], onLine?: (line: string, kill: () => void) => void): Promise<Exit> {
  return new Promise((done, fail) => {
    const child = spawn(process.execPath, ['--import', 'tsx', 'src/cli.ts', ...args], {
      cwd: TRAINING,
      env: { ...process.env, INIT_CWD: root, npm_lifecycle_event: 'train', MLFLOW_TRACKING_URI: '' },
    });
    let stdout = '';
    let stderr = '';
    child.stdout.on('data', (d: Buffer) => {
      stdout += d.toString();
      for (const line of d.toString().split('\n')) onLine?.(line, () => child.kill('SIGINT'));
    });
    child.stderr.on('data', (d: Buffer) => (stderr += d.toString()));
    child.on('error', fail);
    child.on('close', (code) => done({ code, stdout, stderr }));
  });
}

describe('train CLI, end to end', () => {
  beforeAll(async () => {
    root = await mkdtemp(join(tmpdir(), 'endolens-cli-'));
    await makeTinyDataset(join(root, 'data'), { train: 3, val: 2, test: 2 });
  }, 60_000);
  afterAll(async () => {
    await rm(root, { recursive: true, force: true });
  });

  it('Ctrl-C after an epoch prints how to resume; --resume finishes and exports', async () => {
    const args = [
      '--data',
      'data',
      '--backbone',
      'mobilenetv2',
      '--alpha',
      '0.35',
      '--weights',
      'none',
      '--input-size',
      '32',
      '--warmup-epochs',
      '1',
      '--epochs',
      '1',
      '--batch',
      '2',
      '--backend',
      'cpu',
      '--run-id',
      'r1',
      '--no-augment',
    ];
    let sent = false;
    const first = await cli(args, (line, kill) => {
      if (!sent && line.startsWith('epoch 1/2')) {
        sent = true;
        kill();
      }
    });
    expect(first.stderr).toContain('Ctrl-C: stopping after the current batch');
    expect(first.code).toBe(130);
    expect(first.stderr).toContain('Resume with: npm run train -- --resume runs/r1');
    expect((await readJson<RunMeta>(join(root, 'runs', 'r1', 'meta.json'))).status).toBe('KILLED');

    const second = await cli(['--resume', 'runs/r1', '--export', 'public/model']);
    expect(second.stderr).not.toMatch(/train: /);
    expect(second.code).toBe(0);
    expect(second.stdout).toMatch(/resuming .*r1 after epoch 1\/2/);
    expect(second.stdout).toMatch(/^epoch 2\/2 \[finetune\]/m);
    expect(second.stdout).not.toMatch(/^epoch 1\/2/m);
    expect(await readdir(join(root, 'public', 'model'))).toEqual(expect.arrayContaining(['model.json', 'metadata.json']));
    const metadata = validateMetadata(JSON.parse(await readFile(join(root, 'public', 'model', 'metadata.json'), 'utf8')));
    expect(metadata.training?.command).toBe(`npm run train -- ${args.join(' ')}`);
    expect(metadata.training?.config?.resumedWith).toEqual(['npm run train -- --resume runs/r1 --export public/model']);
    expect(metadata.curves?.map((r) => r.epoch)).toEqual([1, 2]);
  });

  it('a bad flag value fails before anything starts, naming it', async () => {
    const r = await cli(['--data', 'data', '--unfreeze', 'many']);
    expect(r.code).toBe(2);
    expect(r.stderr).toContain('--unfreeze must be an integer, got "many"');
  });
});
