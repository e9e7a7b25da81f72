import * as tf from '@tensorflow/tfjs';
import { describe, expect, it } from 'vitest';
import { initBackend, type BackendPreference } from '../src/backend.ts';
import { nativeTensorflowInstalled } from './helpers/native-tfjs.ts';

describe('initBackend', () => {
  it('auto picks native TensorFlow when installed, else wasm with the training kernels', async () => {
    const choice = await initBackend('auto');
    expect(tf.getBackend()).toBe(choice.name);
    if (await nativeTensorflowInstalled()) {
      expect(choice.name).toBe('tensorflow');
    } else {
      expect(choice.name).toBe('wasm');
      expect(choice.note).toMatch(/tfjs-node\(-gpu\) not available/);
      expect(tf.getKernel('Conv2DBackpropFilter', 'wasm')).toBeDefined();
      expect(tf.getKernel('DepthwiseConv2dNativeBackpropInput', 'wasm')).toBeDefined();
    }
  });

  it('uses the cpu backend only when asked, and says it is for tiny tests', async () => {
    const choice = await initBackend('cpu');
    expect(choice.name).toBe('cpu');
    expect(tf.getBackend()).toBe('cpu');
    expect(choice.note).toMatch(/tiny tests/);
  });

  it('names both packages when tensorflow is asked for but missing', async () => {
    if (await nativeTensorflowInstalled()) return expect((await initBackend('tensorflow')).name).toBe('tensorflow');
    await expect(initBackend('tensorflow')).rejects.toThrow(/@tensorflow\/tfjs-node-gpu nor @tensorflow\/tfjs-node/);
  });

  it('rejects an unknown preference, listing the valid ones', async () => {
    await expect(initBackend('webgl' as BackendPreference)).rejects.toThrow(
      /Unknown backend "webgl". Valid backends are: auto, tensorflow, wasm, cpu/,
    );
  });
});
