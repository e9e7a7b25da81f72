/**
 * EndoLens's webgpu filter-gradient kernels (src/kernels/webgpu-backprop.ts) against the cpu backend,
 * on SwiftShader's adapter (helpers/swiftshader.ts; skipped, saying why, where it is absent). Shapes
 * are small, SwiftShader being a CPU, but some are long enough to be cut into several chunks with
 * zero rows appended, the path a GPU takes on real layers. Their speed is `npm run bench -- --gpu`'s.
 */
import * as tf from '@tensorflow/tfjs';
import { beforeAll, describe, expect, it } from 'vitest';
import { ALLOW_SOFTWARE_WEBGPU_ENV, initBackend, WEBGPU_KERNELS_ENV } from '../src/backend.ts';
import { registerWebGpuTrainingKernels } from '../src/kernels/register.ts';
import { positionChunks, webGpuBackpropFilterKernels } from '../src/kernels/webgpu-backprop.ts';
import { on, relativeError, runKernel, tensor } from './helpers/backend-compare.ts';
import { missing, skipReason } from './helpers/swiftshader.ts';

const FILTER_KERNELS = ['Conv2DBackpropFilter', 'DepthwiseConv2dNativeBackpropFilter'];

async function expectSameOnWebGpuAndCpu(fn: () => tf.Tensor | tf.Tensor[], tolerance = 2e-5): Promise<void> {
  const want = await on('cpu', fn);
  const got = await on('webgpu', fn);
  got.forEach((g, i) => expect(relativeError(g, want[i])).toBeLessThanOrEqual(tolerance));
}

function isEndoLens(kernelName: string): boolean {
  const ours = webGpuBackpropFilterKernels.find((k) => k.kernelName === kernelName);
  return tf.getKernel(kernelName, 'webgpu')?.kernelFunc === ours?.kernelFunc;
}

describe('positionChunks', () => {
  it('cuts long reductions with few output tiles into chunks, never shorter than 256 positions', () => {
    // ResNet50V2 stage 1, 1x1 conv 256->64 at 56x56, batch 32: 2x8 output tiles, 100352 positions.
    expect(positionChunks(32 * 56 * 56, 16)).toBe(64);
    // Stage 4 at 7x7: 512x2048 weights fill the GPU on their own.
    expect(positionChunks(32 * 7 * 7, 16 * 64)).toBe(1);
    // Few positions: one chunk, however small the output.
    expect(positionChunks(300, 1)).toBe(1);
    expect(positionChunks(1587, 1)).toBe(6);
  });
});

describe('webgpu filter gradients match the cpu backend', () => {
  beforeAll(async () => {
    if (!missing) await initBackend('webgpu', { [ALLOW_SOFTWARE_WEBGPU_ENV]: '1' });
  });

  it('initBackend puts them in place of tfjs-webgpu own; the stock ones can be put back and replaced again', (ctx) => {
    if (missing) ctx.skip(skipReason);
    for (const name of FILTER_KERNELS) expect(isEndoLens(name), name).toBe(true);
    registerWebGpuTrainingKernels('stock');
    for (const name of FILTER_KERNELS) expect(isEndoLens(name), name).toBe(false);
    expect(tf.getKernel('Conv2DBackpropFilter', 'webgpu')).toBeDefined();
    registerWebGpuTrainingKernels();
    registerWebGpuTrainingKernels();
    for (const name of FILTER_KERNELS) expect(isEndoLens(name), name).toBe(true);
  });

  it(`${WEBGPU_KERNELS_ENV}=stock keeps tfjs-webgpu's own, and says so in the backend note`, async (ctx) => {
    if (missing) ctx.skip(skipReason);
    try {
      const choice = await initBackend('webgpu', { [ALLOW_SOFTWARE_WEBGPU_ENV]: '1', [WEBGPU_KERNELS_ENV]: 'stock' });
      expect(choice.note).toMatch(/tfjs's own filter gradients \(ENDOLENS_WEBGPU_KERNELS=stock\)/);
      for (const name of FILTER_KERNELS) expect(isEndoLens(name), name).toBe(false);
    } finally {
      const choice = await initBackend('webgpu', { [ALLOW_SOFTWARE_WEBGPU_ENV]: '1' });
      expect(choice.note).not.toMatch(/own filter gradients/);
    }
    for (const name of FILTER_KERNELS) expect(isEndoLens(name), name).toBe(true);
  });

  const convCases: Array<{ k: number; s: number; pad: 'same' | 'valid'; h: number; n: number }> = [];
  for (const k of [1, 3]) for (const s of [1, 2]) for (const pad of ['same', 'valid'] as const) convCases.push({ k, s, pad, h: 9, n: 2 });
  // 3 x 23 x 23 = 1587 positions: 6 chunks of 265, three zero rows appended.
  convCases.push({ k: 3, s: 1, pad: 'same', h: 23, n: 3 }, { k: 1, s: 1, pad: 'valid', h: 23, n: 3 });

  it.for(convCases)('Conv2DBackpropFilter, kernel $k stride $s $pad, input $n x $h x $h', async ({ k, s, pad, h, n }, ctx) => {
    if (missing) ctx.skip(skipReason);
    const xShape = [n, h, h, 3];
    const wShape = [k, k, 3, 4];
    const outH = pad === 'same' ? Math.ceil(h / s) : Math.floor((h - k) / s) + 1;
    await expectSameOnWebGpuAndCpu(() =>
      runKernel(
        'Conv2DBackpropFilter',
        { x: tensor(xShape, 1), dy: tensor([n, outH, outH, 4], 2) },
        { strides: [s, s], pad, dataFormat: 'NHWC', filterShape: wShape },
      ),
    );
  });

  it('Conv2D 7x7 stride 2 gradients (ResNet stem) through tf.grads', async (ctx) => {
    if (missing) ctx.skip(skipReason);
    await expectSameOnWebGpuAndCpu(() => {
      const x = tensor([1, 21, 21, 3], 4);
      const w = tensor([7, 7, 3, 5], 5);
      const r = tensor([1, 8, 8, 5], 6);
      return tf.grads((a: tf.Tensor, b: tf.Tensor) => tf.sum(tf.mul(tf.conv2d(a as tf.Tensor4D, b as tf.Tensor4D, 2, 'valid'), r)))([x, w]);
    });
  });

  const depthwiseCases = [
    { s: 1, pad: 'same', h: 9, n: 2, m: 1 },
    { s: 2, pad: 'same', h: 9, n: 2, m: 1 },
    { s: 2, pad: 'valid', h: 9, n: 2, m: 2 },
    { s: 1, pad: 'same', h: 23, n: 3, m: 1 },
    { s: 1, pad: 'valid', h: 23, n: 3, m: 2 },
  ] as const;
  it.for(depthwiseCases)('DepthwiseConv2dNativeBackpropFilter, 3x3 stride $s $pad, input $n x $h x $h, multiplier $m', async (c, ctx) => {
    if (missing) ctx.skip(skipReason);
    const outH = c.pad === 'same' ? Math.ceil(c.h / c.s) : Math.floor((c.h - 3) / c.s) + 1;
    await expectSameOnWebGpuAndCpu(() =>
      runKernel(
        'DepthwiseConv2dNativeBackpropFilter',
        { x: tensor([c.n, c.h, c.h, 5], 7), dy: tensor([c.n, outH, outH, 5 * c.m], 8) },
        { strides: [c.s, c.s], pad: c.pad, dilations: [1, 1], filterShape: [3, 3, 5, c.m] },
      ),
    );
  });

  it('releases every intermediate: repeated filter gradients leave the webgpu backend holding no extra data', async (ctx) => {
    if (missing) ctx.skip(skipReason);
    await tf.setBackend('webgpu');
    const backend = tf.backend();
    const run = () =>
      tf.tidy(() => [
        runKernel(
          'Conv2DBackpropFilter',
          { x: tensor([3, 23, 23, 3], 1), dy: tensor([3, 12, 12, 4], 2) },
          { strides: [2, 2], pad: 'same', dataFormat: 'NHWC', filterShape: [3, 3, 3, 4] },
        ),
        runKernel(
          'DepthwiseConv2dNativeBackpropFilter',
          { x: tensor([3, 23, 23, 5], 7), dy: tensor([3, 23, 23, 10], 8) },
          { strides: [1, 1], pad: 'same', dilations: [1, 1], filterShape: [3, 3, 5, 2] },
        ),
      ]);
    tf.dispose(run());
    const before = backend.numDataIds();
    for (let i = 0; i < 3; i++) tf.dispose(run());
    expect(backend.numDataIds()).toBe(before);
  });
});
