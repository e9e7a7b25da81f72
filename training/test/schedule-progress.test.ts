import { PassThrough } from 'node:stream';
import { describe, expect, it } from 'vitest';
import { consoleProgress, formatEpochSummary } from '../src/progress/epoch-progress.ts';
import type { BatchProgress } from '../src/schedule/trainer.ts';

const record = { phase: 'finetune', epoch: 3, loss: 0.51234, accuracy: 0.8, valLoss: 0.6, valAccuracy: 0.75 };
const batch = (seen: number): BatchProgress => ({
  position: { phaseIndex: 1, phase: { name: 'finetune', epochs: 20, learningRate: 1e-4, unfreeze: 13 }, epochInPhase: 1, globalEpoch: 3 },
  batch: seen / 4,
  batches: 3,
  seen,
  total: 12,
  loss: 0.5,
  accuracy: 0.75,
});

describe('progress', () => {
  it('formats one summary line per epoch', () => {
    expect(formatEpochSummary(record, 22, 12.34, 40)).toBe(
      'epoch 3/22 [finetune] 12.3s 40.0 img/s - loss 0.5123 acc 0.8000 - val_loss 0.6000 val_acc 0.7500',
    );
  });

  it('prints only summary lines when the stream is not a terminal', () => {
    const stream = Object.assign(new PassThrough(), { isTTY: false }) as unknown as NodeJS.WriteStream;
    let written = '';
    (stream as unknown as PassThrough).on('data', (d: Buffer) => (written += d.toString()));
    const lines: string[] = [];
    const p = consoleProgress({ stream, print: (l) => lines.push(l) });
    p.startEpoch('epoch 3/22 finetune', 12);
    [4, 8, 12].forEach((n) => p.batch(batch(n)));
    p.endEpoch(record, 22, 1.5, '(checkpointed)');
    p.stop();
    expect(written).toBe('');
    expect(lines).toHaveLength(1);
    expect(lines[0]).toMatch(/^epoch 3\/22 \[finetune\] 1\.5s [\d.]+ img\/s - loss 0\.5123 .* \(checkpointed\)$/);
  });

  it('draws a bar with images/s, ETA, running loss and accuracy on a terminal', () => {
    const stream = Object.assign(new PassThrough(), {
      isTTY: true,
      columns: 200,
      cursorTo: () => true,
      clearLine: () => true,
      moveCursor: () => true,
    }) as unknown as NodeJS.WriteStream;
    let written = '';
    (stream as unknown as PassThrough).on('data', (d: Buffer) => (written += d.toString()));
    const p = consoleProgress({ stream, print: () => undefined, bar: true });
    p.startEpoch('epoch 3/22 finetune', 12);
    p.batch(batch(4));
    p.stop();
    expect(written).toMatch(/epoch 3\/22 finetune .*4\/12 img \| [\d.]+ img\/s \| ETA .* \| loss 0\.5000 acc 0\.7500/);
  });
});
