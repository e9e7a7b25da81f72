import * as tf from '@tensorflow/tfjs';
import { beforeAll, describe, expect, it } from 'vitest';
import { classifyBatch, modelShape } from './classify.ts';

const SIZE = 16;

function tinyModel(classes: number): tf.LayersModel {
  const m = tf.sequential();
  m.add(
    tf.layers.conv2d({
      inputShape: [SIZE, SIZE, 3],
      filters: 4,
      kernelSize: 3,
      activation: 'relu',
      kernelInitializer: tf.initializers.glorotUniform({ seed: 1 }),
    }),
  );
  m.add(tf.layers.globalAveragePooling2d({}));
  m.add(
    tf.layers.dense({ units: classes, activation: 'softmax', kernelInitializer: tf.initializers.randomNormal({ stddev: 3, seed: 2 }) }),
  );
  return m;
}

const input = (seed: number) => Float32Array.from({ length: SIZE * SIZE * 3 }, (_, i) => Math.sin(i * 0.37 + seed));

describe('classifyBatch', () => {
  beforeAll(async () => {
    await tf.setBackend('cpu');
  });

  it('returns one probability row per frame, each summing to 1', async () => {
    const model = tinyModel(3);
    const rows = await classifyBatch(model, [input(1), input(2), input(3)], SIZE);
    expect(rows).toHaveLength(3);
    for (const r of rows) {
      expect(r).toHaveLength(3);
      expect(r.reduce((a, b) => a + b, 0)).toBeCloseTo(1, 5);
    }
    // Frames are not mixed up: a batch gives the same rows as one at a time.
    const single = await classifyBatch(model, [input(2)], SIZE);
    single[0].forEach((v, i) => expect(v).toBeCloseTo(rows[1][i], 6));
    model.dispose();
  });

  it('leaves tf.memory().numTensors at its baseline after a batch, and after a failed one', async () => {
    const model = tinyModel(2);
    await classifyBatch(model, [input(0)], SIZE); // first call may create lazily-built state
    const baseline = tf.memory().numTensors;
    for (let i = 0; i < 3; i++) await classifyBatch(model, [input(i), input(i + 1)], SIZE);
    expect(tf.memory().numTensors).toBe(baseline);
    await expect(classifyBatch(model, [new Float32Array(5)], SIZE)).rejects.toThrow(/expected 16x16x3/);
    expect(tf.memory().numTensors).toBe(baseline);
    model.dispose();
  });

  it('reads input size and class count from the model', () => {
    const model = tinyModel(4);
    expect(modelShape(model)).toEqual({ inputSize: SIZE, channels: 3, classes: 4 });
    model.dispose();
  });
});
