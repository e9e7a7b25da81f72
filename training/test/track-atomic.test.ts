import { afterAll, beforeAll, describe, expect, it } from 'vitest';
import { spawn } from 'node:child_process';
import { mkdtemp, mkdir, readdir, readFile, rm, writeFile } from 'node:fs/promises';
import { tmpdir } from 'node:os';
import { join } from 'node:path';
import { fileURLToPath } from 'node:url';
import { writeFileAtomic } from '../src/util/atomic.ts';

let tmp: string;
beforeAll(async () => {
  tmp = await mkdtemp(join(tmpdir(), 'endolens-atomic-'));
});
afterAll(() => rm(tmp, { recursive: true, force: true }));

describe('writeFileAtomic', () => {
  it('writes and replaces a file, creating folders, leaving no temp files', async () => {
    const path = join(tmp, 'a', 'b', 'ckpt.bin');
    await writeFileAtomic(path, 'first');
    await writeFileAtomic(path, Uint8Array.from([1, 2, 3]));
    expect(Array.from(await readFile(path))).toEqual([1, 2, 3]);
    expect(await readdir(join(tmp, 'a', 'b'))).toEqual(['ckpt.bin']);
  });

  it('leaves the old file intact and cleans up when the write fails', async () => {
    const dir = join(tmp, 'fail');
    await mkdir(join(dir, 'target'), { recursive: true });
    await writeFile(join(dir, 'target', 'keep'), 'x');
    // Renaming a file over a non-empty directory fails after the temp file was written.
    await expect(writeFileAtomic(join(dir, 'target'), 'new')).rejects.toThrow();
    expect(await readdir(dir)).toEqual(['target']);
  });

  it('never exposes a half-written file when the writer is killed mid-way', async () => {
    const path = join(tmp, 'killed.bin');
    const size = 8 * 1024 * 1024;
    await writeFile(path, Buffer.alloc(size, 65));
    const atomic = fileURLToPath(new URL('../src/util/atomic.ts', import.meta.url));
    // A child process rewrites the file as fast as it can, alternating 'B' and 'C' fills.
    const script = `import { writeFileAtomic } from ${JSON.stringify(atomic)};
      const bufs = [Buffer.alloc(${size}, 66), Buffer.alloc(${size}, 67)];
      for (let i = 0; ; i++) { await writeFileAtomic(${JSON.stringify(path)}, bufs[i % 2]); if (i === 1) process.stdout.write('go'); }`;
    const child = spawn(process.execPath, ['--import', 'tsx', '--input-type=module', '-e', script], {
      stdio: ['ignore', 'pipe', 'inherit'],
      cwd: fileURLToPath(new URL('..', import.meta.url)),
    });
    await new Promise<void>((res) => child.stdout.once('data', () => res()));
    await new Promise((r) => setTimeout(r, 150));
    child.kill('SIGKILL');
    await new Promise((r) => child.once('exit', r));
    const data = await readFile(path);
    expect(data.length).toBe(size);
    const fill = data[0];
    expect([66, 67]).toContain(fill);
    expect(data.every((b) => b === fill)).toBe(true);
  });
});
