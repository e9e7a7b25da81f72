import { describe, expect, it } from 'vitest';
import {
  CLEARLY_SLOWER,
  SWITCH_FACTOR,
  TIMED_CALLS,
  backendFromUrl,
  deviceKey,
  isSoftwareWebGlRenderer,
  isSoftwareWebGpuAdapter,
  planGpuTiming,
  resolveBackendRequest,
  shouldSwitch,
  startingBackend,
  timingDone,
  webGlProbe,
  webGpuProbe,
  type GpuProbe,
} from './backend-choice.ts';

describe('resolveBackendRequest', () => {
  const remembered = { modelKey: 'm@1#abc', backend: 'webgl' as const, timings: [], device: '2 cores; webgl: X; webgpu: none' };

  it('lets the URL hook win over settings and memory', () => {
    expect(resolveBackendRequest({ urlBackend: 'wasm', setting: 'webgpu', remembered })).toEqual({
      mode: 'forced',
      backend: 'wasm',
      reason: 'url',
    });
  });

  it('uses the settings override before a remembered choice', () => {
    expect(resolveBackendRequest({ setting: 'webgpu', remembered })).toEqual({ mode: 'forced', backend: 'webgpu', reason: 'settings' });
  });

  it('offers the remembered choice with the model and the device it was made for', () => {
    expect(resolveBackendRequest({ setting: 'auto', remembered })).toEqual({
      mode: 'remembered',
      backend: 'webgl',
      modelKey: 'm@1#abc',
      device: remembered.device,
    });
    expect(resolveBackendRequest({ setting: 'auto', remembered: { ...remembered, device: undefined } })).toStrictEqual({
      mode: 'remembered',
      backend: 'webgl',
      modelKey: 'm@1#abc',
    });
  });

  it('measures when nothing is known', () => {
    expect(resolveBackendRequest({ setting: 'auto' })).toEqual({ mode: 'measure' });
  });
});

describe('startingBackend', () => {
  it('starts a first visit on WASM at once and times the GPUs afterwards', () => {
    expect(startingBackend({ mode: 'measure' }, 'm@1#abc')).toEqual({ backend: 'wasm', reason: 'measuring', background: 'time-gpus' });
  });

  it('loads a remembered backend directly, checking the device in the background', () => {
    expect(startingBackend({ mode: 'remembered', backend: 'webgpu', modelKey: 'm@1#abc' }, 'm@1#abc')).toEqual({
      backend: 'webgpu',
      reason: 'remembered',
      background: 'check-device',
    });
  });

  it('ignores a choice remembered for another model', () => {
    expect(startingBackend({ mode: 'remembered', backend: 'webgpu', modelKey: 'other@2#def' }, 'm@1#abc')).toEqual({
      backend: 'wasm',
      reason: 'measuring',
      background: 'time-gpus',
    });
  });

  it('loads a forced backend directly and times nothing', () => {
    expect(startingBackend({ mode: 'forced', backend: 'webgl', reason: 'url' }, 'm@1#abc')).toEqual({
      backend: 'webgl',
      reason: 'url',
      background: 'none',
    });
  });
});

describe('software adapters', () => {
  it("knows headless Chromium's SwiftShader WebGPU adapter by its info, and by isFallbackAdapter alone", () => {
    // What Chromium 156 reports in a worker here (vendor "google", architecture "swiftshader").
    expect(
      isSoftwareWebGpuAdapter({ vendor: 'google', architecture: 'swiftshader', device: '', description: '', isFallbackAdapter: true }),
    ).toBe(true);
    expect(isSoftwareWebGpuAdapter({ vendor: 'acme', architecture: 'x', isFallbackAdapter: true })).toBe(true);
    expect(isSoftwareWebGpuAdapter({ vendor: 'acme', architecture: 'x' }, true)).toBe(true);
  });

  it("knows Mesa's lavapipe and llvmpipe and anything that calls itself software", () => {
    expect(isSoftwareWebGpuAdapter({ vendor: 'mesa', architecture: '', description: 'llvmpipe (LLVM 15.0.6, 256 bits)' })).toBe(true);
    expect(isSoftwareWebGpuAdapter({ vendor: 'mesa', device: 'lavapipe' })).toBe(true);
    expect(isSoftwareWebGpuAdapter({ vendor: 'microsoft', description: 'Microsoft Basic Render Driver' })).toBe(true);
    expect(isSoftwareWebGpuAdapter({ vendor: 'x', description: 'Software Adapter' })).toBe(true);
  });

  it('takes real adapters for real', () => {
    expect(isSoftwareWebGpuAdapter({ vendor: 'nvidia', architecture: 'hopper', isFallbackAdapter: false })).toBe(false);
    expect(isSoftwareWebGpuAdapter({ vendor: 'apple', architecture: 'metal-3' })).toBe(false);
    expect(isSoftwareWebGpuAdapter({})).toBe(false);
  });

  it("reads WebGL's unmasked renderer", () => {
    expect(isSoftwareWebGlRenderer('ANGLE (Google, Vulkan 1.3.0 (SwiftShader Device (Subzero) (0x0000C0DE)), SwiftShader driver)')).toBe(
      true,
    );
    expect(isSoftwareWebGlRenderer('llvmpipe (LLVM 15.0.6, 256 bits)')).toBe(true);
    expect(isSoftwareWebGlRenderer('ANGLE (NVIDIA, NVIDIA H200 (0x00002335) Direct3D11 vs_5_0 ps_5_0, D3D11)')).toBe(false);
    expect(isSoftwareWebGlRenderer('Apple M2')).toBe(false);
  });

  it('turns what the browser says into probes', () => {
    expect(webGpuProbe(undefined)).toEqual({ backend: 'webgpu', available: false });
    expect(webGpuProbe({ vendor: 'google', architecture: 'swiftshader' })).toEqual({
      backend: 'webgpu',
      available: true,
      adapter: 'google swiftshader',
      software: true,
    });
    expect(webGlProbe(false)).toEqual({ backend: 'webgl', available: false });
    // A renderer the browser hides is timed: nothing says it is software.
    expect(webGlProbe(true)).toEqual({ backend: 'webgl', available: true, software: false });
  });
});

const swiftshaderGl: GpuProbe = {
  backend: 'webgl',
  available: true,
  adapter: 'ANGLE (Google, Vulkan 1.3.0 (SwiftShader Device (Subzero)), SwiftShader driver)',
  software: true,
};
const swiftshaderGpu: GpuProbe = { backend: 'webgpu', available: true, adapter: 'google swiftshader', software: true };
const nvidiaGpu: GpuProbe = { backend: 'webgpu', available: true, adapter: 'nvidia hopper', software: false };
const nvidiaGl: GpuProbe = { backend: 'webgl', available: true, adapter: 'ANGLE (NVIDIA, NVIDIA H200)', software: false };

describe('planGpuTiming', () => {
  it('times nothing where the only GPUs are software (headless Chromium here) and says so', () => {
    const plan = planGpuTiming([swiftshaderGl, swiftshaderGpu], 'wasm');
    expect(plan.toTime).toEqual([]);
    expect(plan.reasonIfNone).toBe('software-gpu');
    expect(plan.skipped).toEqual([
      { backend: 'webgpu', ok: false, skipped: 'software', adapter: 'google swiftshader' },
      { backend: 'webgl', ok: false, skipped: 'software', adapter: swiftshaderGl.adapter },
    ]);
  });

  it('says "no GPU" where there is none at all', () => {
    const plan = planGpuTiming(
      [
        { backend: 'webgl', available: false },
        { backend: 'webgpu', available: false },
      ],
      'wasm',
    );
    expect(plan).toEqual({
      toTime: [],
      reasonIfNone: 'no-gpu',
      skipped: [
        { backend: 'webgpu', ok: false, skipped: 'unavailable' },
        { backend: 'webgl', ok: false, skipped: 'unavailable' },
      ],
    });
  });

  it('times real GPUs, WebGPU first, and not the backend already running', () => {
    expect(planGpuTiming([nvidiaGl, nvidiaGpu], 'wasm').toTime).toEqual(['webgpu', 'webgl']);
    expect(planGpuTiming([nvidiaGl, nvidiaGpu], 'webgpu').toTime).toEqual(['webgl']);
    expect(planGpuTiming([swiftshaderGl, nvidiaGpu], 'wasm')).toMatchObject({
      toTime: ['webgpu'],
      skipped: [{ backend: 'webgl', skipped: 'software' }],
    });
  });
});

describe('deviceKey', () => {
  it('names the cores and the GPUs, whatever order they were probed in', () => {
    expect(deviceKey([swiftshaderGpu, swiftshaderGl], 2)).toBe(deviceKey([swiftshaderGl, swiftshaderGpu], 2));
    expect(deviceKey([swiftshaderGl, swiftshaderGpu], 2)).toBe(`2 cores; webgl: ${swiftshaderGl.adapter}; webgpu: google swiftshader`);
    expect(deviceKey([swiftshaderGl, swiftshaderGpu], 2)).not.toBe(deviceKey([swiftshaderGl, nvidiaGpu], 2));
    expect(deviceKey([{ backend: 'webgl', available: false }], 16)).toBe('16 cores; webgl: none');
  });
});

describe('timingDone', () => {
  it('takes TIMED_CALLS samples', () => {
    expect(timingDone([])).toBe(false);
    expect(timingDone(Array<number>(TIMED_CALLS - 1).fill(3), 10)).toBe(false);
    expect(timingDone(Array<number>(TIMED_CALLS).fill(3), 10)).toBe(true);
  });

  it('stops after one sample that is clearly slower than the backend running now', () => {
    expect(timingDone([CLEARLY_SLOWER * 10 + 1], 10)).toBe(true);
    expect(timingDone([CLEARLY_SLOWER * 10], 10)).toBe(false);
    expect(timingDone([1000])).toBe(false); // nothing to compare with: full timing
  });
});

describe('shouldSwitch', () => {
  const wasm = { backend: 'wasm' as const, ok: true, msPerFrame: 16, batch: 8 };

  it('switches to a GPU measurably faster at the batch size (H200: 2.2 ms/frame at batch 8 vs 16 on WASM)', () => {
    expect(shouldSwitch(wasm, { backend: 'webgpu', ok: true, msPerFrame: 2.2, batch: 8 })).toBe(true);
  });

  it('keeps the running backend when a candidate is only as fast, within noise, slower or failed', () => {
    expect(shouldSwitch(wasm, { backend: 'webgpu', ok: true, msPerFrame: 16 * SWITCH_FACTOR + 0.01, batch: 8 })).toBe(false);
    expect(shouldSwitch(wasm, { backend: 'webgl', ok: true, msPerFrame: 140, batch: 8 })).toBe(false);
    expect(shouldSwitch(wasm, { backend: 'webgpu', ok: false, error: 'device lost' })).toBe(false);
    expect(shouldSwitch(undefined, { backend: 'webgpu', ok: true, msPerFrame: 1 })).toBe(false);
    expect(shouldSwitch(wasm, { backend: 'webgpu', ok: true, msPerFrame: Number.NaN })).toBe(false);
  });
});

describe('backendFromUrl', () => {
  it('reads ?backend= and ignores unknown values', () => {
    expect(backendFromUrl('?backend=webgl')).toBe('webgl');
    expect(backendFromUrl('?x=1&backend=wasm')).toBe('wasm');
    expect(backendFromUrl('?backend=cuda')).toBeUndefined();
    expect(backendFromUrl('')).toBeUndefined();
  });
});
