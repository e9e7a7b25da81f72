/**
 * The measured peak a model's GFLOP/s is compared with, on the same tfjs backend (so the same
 * instruction width: wasm SIMD-128 f32 through XNNPACK, or the GPU backend's shaders): the best
 * GFLOP/s of two dense kernels, a square matMul and a 3x3 same-padded convolution (ResNet's
 * commonest layer shape), each best of `reps` after one untimed call. Used in Node and the browser.
 */
import * as tf from '@tensorflow/tfjs';

export interface Peak {
  gflops: number;
  matMulGflops: number;
  convGflops: number;
  how: string;
}

async function best(reps: number, fn: () => tf.Tensor): Promise<number> {
  let ms = Infinity;
  for (let i = 0; i <= reps; i++) {
    const t0 = performance.now();
    const y = fn();
    await y.data();
    y.dispose();
    if (i > 0) ms = Math.min(ms, performance.now() - t0);
  }
  return ms;
}

/** `scale` 1 = matMul 1024^3 and conv 56x56x256->256 (3.7 GFLOP); 0.5 halves every dimension (software GPUs). */
export async function measurePeak(reps: number, scale = 1): Promise<Peak> {
  const n = Math.round(1024 * scale);
  const a = tf.randomUniform([n, n]);
  const b = tf.randomUniform([n, n]);
  const mm = await best(reps, () => tf.matMul(a, b));
  tf.dispose([a, b]);
  const hw = Math.round(56 * scale);
  const c = Math.round(256 * scale);
  const x = tf.randomUniform<tf.Rank.R4>([1, hw, hw, c]);
  const w = tf.randomUniform<tf.Rank.R4>([3, 3, c, c]);
  const conv = await best(reps, () => tf.conv2d(x, w, 1, 'same'));
  tf.dispose([x, w]);
  const matMulGflops = (2 * n ** 3) / mm / 1e6;
  const convGflops = (2 * hw * hw * 9 * c * c) / conv / 1e6;
  return {
    gflops: Math.max(matMulGflops, convGflops),
    matMulGflops,
    convGflops,
    how: `max of matMul ${n}x${n}x${n} (${matMulGflops.toFixed(1)}) and conv3x3 ${hw}x${hw}x${c}->${c} (${convGflops.toFixed(1)}) GFLOP/s, best of ${reps} after 1 untimed`,
  };
}
