/**
 * Fails, naming the pinned and the installed tfjs, when tfjs no longer has the private state
 * src/tfjs-internals.ts reads and writes: resumed and repeated runs depend on it bit for bit.
 * (The graph walk it re-exports is pinned by the app's src/inference/tfjs-internals.test.ts.)
 */
import * as tf from '@tensorflow/tfjs';
import { readFileSync } from 'node:fs';
import { beforeAll, describe, expect, it } from 'vitest';
import { dropoutSeed, nativeBackendUsesGpu, readAdamPowers, setDropoutSeed, writeAdamPowers } from '../src/tfjs-internals.ts';
import { nativeTensorflowInstalled } from './helpers/native-tfjs.ts';

const pkg = JSON.parse(readFileSync(new URL('../package.json', import.meta.url), 'utf8')) as { dependencies: Record<string, string> };
const PINNED = pkg.dependencies['@tensorflow/tfjs'];

function changed(what: string): string {
  return `tfjs internals changed: ${what} (training/src/tfjs-internals.ts relies on it as of the pinned tfjs ${PINNED}; installed ${tf.version.tfjs})`;
}

beforeAll(async () => {
  await tf.setBackend('cpu');
  await tf.ready();
});

describe(`tfjs private state the trainer relies on (pinned tfjs ${PINNED})`, () => {
  it("Dropout's private seed is readable, and the seed written is the one its next training call uses", () => {
    const mask = (layer: tf.layers.Layer) =>
      tf.tidy(() => Array.from((layer.apply(tf.ones([1, 64]), { training: true }) as tf.Tensor).dataSync()));
    const layer = tf.layers.dropout({ rate: 0.5, seed: 7 });
    expect(dropoutSeed(layer), changed("Dropout's `seed` field no longer holds the seed it was built with")).toBe(7);

    setDropoutSeed(layer, 123);
    expect(dropoutSeed(layer), changed("Dropout's `seed` field can no longer be written")).toBe(123);
    const reference = mask(tf.layers.dropout({ rate: 0.5, seed: 123 }));
    expect(mask(layer), changed('Dropout no longer reads its `seed` field on each call (the written seed did not set the mask)')).toEqual(
      reference,
    );
    expect(mask(layer), changed('Dropout with a fixed seed no longer repeats its mask')).toEqual(reference);
    expect(mask(tf.layers.dropout({ rate: 0.5, seed: 7 })), changed('the seed no longer changes the mask')).not.toEqual(reference);

    setDropoutSeed(layer, undefined);
    expect(dropoutSeed(layer), changed("Dropout's `seed` field can no longer be cleared")).toBeUndefined();
  });

  it('Adam keeps beta1^t and beta2^t in private variables, multiplied per step and read by the update', async () => {
    const beta1 = 0.9;
    const beta2 = 0.999;
    const stepOf = (before: (opt: tf.AdamOptimizer) => void): number => {
      const v = tf.variable(tf.scalar(0));
      const opt = tf.train.adam(0.1, beta1, beta2);
      before(opt);
      opt.minimize(() => tf.mul<tf.Scalar>(v, 2), false, [v]); // gradient 2
      const moved = v.dataSync()[0];
      opt.dispose();
      v.dispose();
      return moved;
    };

    const fresh = tf.train.adam(0.1, beta1, beta2);
    const start = await readAdamPowers(fresh);
    expect(start, changed('Adam no longer keeps `accBeta1`/`accBeta2` variables starting at beta1/beta2')).toEqual({
      accBeta1: Math.fround(beta1),
      accBeta2: Math.fround(beta2),
    });
    const v = tf.variable(tf.scalar(0));
    fresh.minimize(() => tf.mul<tf.Scalar>(v, 2), false, [v]);
    const after = await readAdamPowers(fresh);
    expect(after.accBeta1, changed('Adam no longer multiplies `accBeta1` by beta1 per step')).toBeCloseTo(beta1 * beta1, 6);
    expect(after.accBeta2, changed('Adam no longer multiplies `accBeta2` by beta2 per step')).toBeCloseTo(beta2 * beta2, 6);

    writeAdamPowers(fresh, { accBeta1: 0.5, accBeta2: 0.25 });
    expect(await readAdamPowers(fresh), changed("Adam's `accBeta1`/`accBeta2` can no longer be assigned")).toEqual({
      accBeta1: 0.5,
      accBeta2: 0.25,
    });
    fresh.dispose();
    v.dispose();

    // With the first step's moments m = 0.2, v = 0.004: the default powers give an update of the
    // learning rate (0.1); 0.5 and 0.5 give 0.1 * (0.2 / 0.5) / sqrt(0.004 / 0.5) = 0.447.
    expect(
      stepOf(() => undefined),
      changed("Adam's first step is no longer the textbook one"),
    ).toBeCloseTo(-0.1, 5);
    expect(
      stepOf((opt) => writeAdamPowers(opt, { accBeta1: 0.5, accBeta2: 0.5 })),
      changed("Adam's update no longer reads `accBeta1`/`accBeta2`"),
    ).toBeCloseTo(-0.4472136, 4);
  });

  it('a backend other than tfjs-node has no GPU probe', () => {
    expect(nativeBackendUsesGpu(), changed('the cpu backend now has an `isUsingGpuDevice`')).toBe(false);
  });

  it("tfjs-node's backend says whether it uses a GPU (only where tfjs-node is installed)", async (ctx) => {
    if (!(await nativeTensorflowInstalled())) ctx.skip(); // optional dependency, absent offline
    expect(await tf.setBackend('tensorflow')).toBe(true);
    const probe = (tf.backend() as unknown as { isUsingGpuDevice?: unknown }).isUsingGpuDevice;
    expect(['boolean', 'function'], changed("tfjs-node's backend no longer has `isUsingGpuDevice`")).toContain(typeof probe);
    expect(typeof nativeBackendUsesGpu()).toBe('boolean');
    await tf.setBackend('cpu');
  });
});
