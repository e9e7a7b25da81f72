/**
 * The trainer's WebGPU backend in Node, on Chromium's SwiftShader Vulkan driver (a software adapter:
 * the only one a CPU machine has; TECH-NOTES, "WebGPU in Node"). It is refused unless allowed, and
 * when allowed computes what the cpu backend computes, gradients included. Tiny tensors only:
 * SwiftShader is slow. A GPU machine runs the same code on its real adapter (npm run bench -- --gpu).
 */
import { mkdtemp, readFile, rm } from 'node:fs/promises';
import { tmpdir } from 'node:os';
import { join } from 'node:path';
import * as tf from '@tensorflow/tfjs';
import { describe, expect, it } from 'vitest';
import { ALLOW_SOFTWARE_WEBGPU_ENV, initBackend } from '../src/backend.ts';
import { runTraining } from '../src/train.ts';
import { missing, skipReason } from './helpers/swiftshader.ts';
import { makeTinyDataset } from './helpers/tiny-dataset.ts';

/** A conv -> relu -> dense step's loss and gradients, read with await data() (Node has no OffscreenCanvas for dataSync on webgpu). */
async function convStep(): Promise<number[][]> {
  const x = tf.tensor4d(
    Array.from({ length: 2 * 6 * 6 * 3 }, (_, i) => Math.sin(i)),
    [2, 6, 6, 3],
  );
  const w = tf.variable(
    tf.tensor4d(
      Array.from({ length: 3 * 3 * 3 * 4 }, (_, i) => Math.cos(i) / 4),
      [3, 3, 3, 4],
    ),
  );
  const v = tf.variable(
    tf.tensor2d(
      Array.from({ length: 4 * 2 }, (_, i) => (i % 3) / 3 - 0.3),
      [4, 2],
    ),
  );
  const y = tf.tensor2d([1, 0, 0, 1], [2, 2]);
  const { value, grads } = tf.variableGrads(() => {
    const h = tf.mean(tf.relu(tf.conv2d(x, w, 1, 'same')), [1, 2]).as2D(2, 4);
    return tf.losses.softmaxCrossEntropy(y, tf.matMul(h, v)).asScalar();
  });
  const out = [Array.from(await value.data()), Array.from(await grads[w.name].data()), Array.from(await grads[v.name].data())];
  tf.dispose([x, w, v, y, value, ...Object.values(grads)]);
  return out;
}

describe('the trainer on WebGPU (Dawn), on a software adapter', () => {
  it('refuses a software adapter unless allowed, naming it', async (ctx) => {
    if (missing) ctx.skip(skipReason);
    await expect(initBackend('webgpu', {})).rejects.toThrow(
      new RegExp(`only a software renderer \\(SwiftShader.*\\), not used \\(${ALLOW_SOFTWARE_WEBGPU_ENV}=1 allows it`),
    );
  });

  it('when allowed, records the adapter and computes a training step as the cpu backend does', async (ctx) => {
    if (missing) ctx.skip(skipReason);
    await tf.setBackend('cpu');
    const onCpu = await convStep();
    const choice = await initBackend('webgpu', { [ALLOW_SOFTWARE_WEBGPU_ENV]: '1' });
    expect(choice.name).toBe('webgpu');
    expect(tf.getBackend()).toBe('webgpu');
    expect(choice.adapter).toMatchObject({ vendor: 'google', architecture: 'swiftshader' });
    expect(choice.note).toMatch(/a software renderer .* allowed by ENDOLENS_WEBGPU_ALLOW_SOFTWARE/);
    const onGpu = await convStep();
    onGpu.forEach((values, k) => values.forEach((g, i) => expect(Math.abs(g - onCpu[k][i])).toBeLessThan(1e-4)));
  });

  it('runs the whole schedule on it: both phases, evaluation, export, the adapter recorded', async (ctx) => {
    if (missing) ctx.skip(skipReason);
    const root = await mkdtemp(join(tmpdir(), 'endolens-webgpu-'));
    process.env[ALLOW_SOFTWARE_WEBGPU_ENV] = '1';
    try {
      await makeTinyDataset(join(root, 'data'), { train: 4, val: 2, test: 2 });
      const run = await runTraining({
        data: join(root, 'data'),
        backbone: 'mobilenetv2',
        alpha: 0.35,
        weights: 'none',
        inputSize: 32,
        warmupEpochs: 1,
        epochs: 1,
        batchSize: 4,
        backend: 'webgpu',
        runsDir: join(root, 'runs'),
        runId: 'w',
        export: join(root, 'export'),
      });
      try {
        expect(run.backend.name).toBe('webgpu');
        expect(run.history.map((r) => r.phase)).toEqual(['warmup', 'finetune']);
        expect(run.history.every((r) => Number.isFinite(r.loss) && Number.isFinite(r.valLoss))).toBe(true);
        expect(run.evaluation.test.count).toBe(4);
        const meta = JSON.parse(await readFile(join(root, 'export', 'metadata.json'), 'utf8')) as { training?: { backend?: string } };
        expect(meta.training?.backend).toMatch(/^webgpu \(WebGPU \(Dawn\) on google swiftshader/);
      } finally {
        run.dispose();
      }
    } finally {
      delete process.env[ALLOW_SOFTWARE_WEBGPU_ENV];
      await rm(root, { recursive: true, force: true });
    }
  }, 300_000);
});
