import { appendFile, mkdtemp, readFile, rm, writeFile } from 'node:fs/promises';
import { tmpdir } from 'node:os';
import { join } from 'node:path';
import { afterAll, beforeAll, describe, expect, it } from 'vitest';
import { parseAll } from '../../src/core/schema.ts';
import { RunConfigSchema } from '../src/track/run-files.ts';
import { RunTracker, TrackerError } from '../src/track/run-tracker.ts';

let tmp: string;
beforeAll(async () => {
  tmp = await mkdtemp(join(tmpdir(), 'endolens-run-files-'));
});
afterAll(async () => {
  await rm(tmp, { recursive: true, force: true });
});

const epoch = (n: number) => ({ phase: 'warm-up', epoch: n, loss: 1 / n, accuracy: 0.5, valLoss: 0.9, valAccuracy: 0.6 });
const create = (id: string) => RunTracker.create(join(tmp, 'runs'), { seed: 1 }, { id, trackingUri: '' });

describe('run files are checked when read back and before they are written', () => {
  it('meta.json: a resumed run refuses a bad one, naming the file, the field and the value', async () => {
    const t = await create('meta1');
    await t.finish('KILLED');
    const meta = join(t.dir, 'meta.json');
    const json = JSON.parse(await readFile(meta, 'utf8')) as Record<string, unknown>;
    await writeFile(meta, JSON.stringify({ ...json, status: 'PAUSED', startTime: '2026-01-01' }));
    const err = await RunTracker.open(t.dir, { trackingUri: '' }).catch((e: unknown) => e);
    expect(err).toBeInstanceOf(TrackerError);
    expect((err as Error).message).toBe(
      `${meta}: status must be one of RUNNING, FINISHED, FAILED, KILLED, got "PAUSED"; startTime must be a time (ms since 1970), got "2026-01-01"`,
    );
  });

  it('metrics.jsonl: extra numbers are kept, a NaN loss reads back as NaN, a bad line is named', async () => {
    const t = await create('metrics1');
    await t.logEpoch({ ...epoch(1), imagesPerSecond: 12.5 });
    await t.logEpoch({ ...epoch(2), loss: Number.NaN });
    const [first, second] = await t.readEpochs();
    expect(first.imagesPerSecond).toBe(12.5);
    expect(second.loss).toBeNaN();
    await appendFile(join(t.dir, 'metrics.jsonl'), `${JSON.stringify({ ...epoch(3), epoch: 'three' })}\n${JSON.stringify(epoch(4))}\n`);
    await expect(t.readEpochs()).rejects.toThrow(
      `${join(t.dir, 'metrics.jsonl')} line 3: epoch must be a count (an integer >= 0), got "three"`,
    );
    await expect(t.logEpoch({ ...epoch(5), valAccuracy: 'high' as unknown as number })).rejects.toThrow(
      /metrics\.jsonl \(epoch 5\): valAccuracy must be a number/,
    );
  });

  it('artifacts the trainer writes are checked before writing; other names are free-form', async () => {
    const t = await create('artifacts1');
    const curves = [epoch(1), { ...epoch(2), epoch: -2 }];
    await expect(t.writeJson('curves.json', curves)).rejects.toThrow(
      `${t.artifactPath('curves.json')}: [1].epoch must be a count (an integer >= 0), got -2`,
    );
    await t.writeJson('notes/anything.json', { whatever: [1, 'two'] });
    expect(JSON.parse(await readFile(t.artifactPath('notes/anything.json'), 'utf8'))).toEqual({ whatever: [1, 'two'] });
  });

  it("a checkpoint's run config: elapsed time, and the data the run trained on", () => {
    const r = parseAll(
      RunConfigSchema,
      { options: [], elapsedSeconds: -3, data: { classNames: ['a'], counts: { train: { a: 1.5 } } } },
      { at: 'config' },
    );
    expect(r.success ? [] : r.problems).toEqual([
      "config.options must be the run's options (an object), got []",
      'config.elapsedSeconds must be seconds (>= 0), got -3',
      'config.data.counts.train.a must be a count (an integer >= 0), got 1.5',
    ]);
  });
});
