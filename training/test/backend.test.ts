import * as tf from '@tensorflow/tfjs';
import { describe, expect, it } from 'vitest';
import { initBackend, softwareAdapterReason, type BackendChoice, type BackendPreference, type GpuAdapterSummary } from '../src/backend.ts';
import { nativeTensorflowInstalled } from './helpers/native-tfjs.ts';

describe('initBackend', () => {
  it('auto picks a real GPU through WebGPU, else native TensorFlow when installed, else wasm with the training kernels, saying why', async () => {
    const choice = await initBackend('auto');
    expect(tf.getBackend()).toBe(choice.name);
    if (choice.name === 'webgpu') {
      expect(choice.adapter && softwareAdapterReason(choice.adapter)).toBeUndefined();
    } else if (await nativeTensorflowInstalled()) {
      expect(choice.name).toBe('tensorflow');
    } else {
      expect(choice.name).toBe('wasm');
      expect(choice.note).toMatch(/tfjs-node\(-gpu\) not available/);
      // Why WebGPU was not used: no package, no adapter, or only a software one.
      expect(choice.note).toMatch(/^WebGPU: (the optional package|no WebGPU adapter|only a |Dawn did not start)/);
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
      /Unknown backend "webgl". Valid backends are: auto, webgpu, tensorflow, wasm, cpu/,
    );
  });

  it('asked for webgpu without a real GPU adapter, says why and what to use instead', async () => {
    const choice: BackendChoice | Error = await initBackend('webgpu').catch((e: unknown) =>
      e instanceof Error ? e : new Error(String(e)),
    );
    if (!(choice instanceof Error)) return expect(choice.adapter && softwareAdapterReason(choice.adapter)).toBeUndefined();
    expect(choice.message).toMatch(/^Backend "webgpu" asked for, but .+\. Use --backend auto or wasm\.$/);
  });
});

describe('softwareAdapterReason', () => {
  const adapter = (over: Partial<GpuAdapterSummary>): GpuAdapterSummary => ({
    vendor: '',
    architecture: '',
    device: '',
    description: '',
    isFallbackAdapter: false,
    ...over,
  });

  it('passes real GPUs', () => {
    expect(softwareAdapterReason(adapter({ vendor: 'nvidia', architecture: 'hopper', description: 'NVIDIA H200' }))).toBeUndefined();
    expect(softwareAdapterReason(adapter({ vendor: 'amd', architecture: 'rdna-3' }))).toBeUndefined();
  });

  it('names fallback adapters and software renderers (SwiftShader as Dawn reports it, llvmpipe, lavapipe)', () => {
    expect(softwareAdapterReason(adapter({ isFallbackAdapter: true, description: 'Some GPU' }))).toBe('a fallback adapter (Some GPU)');
    expect(
      softwareAdapterReason(
        adapter({
          vendor: 'google',
          architecture: 'swiftshader',
          device: 'swiftshader-device-subzero-',
          description: 'SwiftShader driver 5.0.0',
        }),
      ),
    ).toBe('a software renderer (SwiftShader driver 5.0.0)');
    expect(softwareAdapterReason(adapter({ vendor: 'mesa', description: 'llvmpipe (LLVM 15.0.6, 256 bits)' }))).toMatch(
      /software renderer/,
    );
    expect(softwareAdapterReason(adapter({ device: 'lavapipe' }))).toMatch(/software renderer \(lavapipe\)/);
  });
});
