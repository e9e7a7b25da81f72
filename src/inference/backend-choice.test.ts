import { describe, expect, it } from 'vitest';
import { backendFromUrl, pickFastest, resolveBackendRequest } from './backend-choice.ts';
import type { BackendTiming } from './protocol.ts';

describe('pickFastest', () => {
  it('keeps the fastest measured backend, so a software WebGPU adapter loses to WASM', () => {
    const timings: BackendTiming[] = [
      { backend: 'wasm', ok: true, msPerFrame: 31 },
      { backend: 'webgl', ok: true, msPerFrame: 240 },
      { backend: 'webgpu', ok: true, msPerFrame: 1500 },
    ];
    expect(pickFastest(timings)).toBe('wasm');
  });

  it('picks a GPU backend when it is measurably faster', () => {
    expect(
      pickFastest([
        { backend: 'wasm', ok: true, msPerFrame: 30 },
        { backend: 'webgpu', ok: true, msPerFrame: 4 },
      ]),
    ).toBe('webgpu');
  });

  it('ignores backends that failed and breaks ties in favour of WASM', () => {
    expect(
      pickFastest([
        { backend: 'webgpu', ok: false, error: 'no adapter' },
        { backend: 'webgl', ok: true, msPerFrame: 10 },
        { backend: 'wasm', ok: true, msPerFrame: 10 },
      ]),
    ).toBe('wasm');
  });

  it('throws naming every failure when nothing worked', () => {
    expect(() =>
      pickFastest([
        { backend: 'wasm', ok: false, error: 'out of memory' },
        { backend: 'webgl', ok: false, error: 'context lost' },
      ]),
    ).toThrow(/wasm: out of memory; webgl: context lost/);
  });
});

describe('resolveBackendRequest', () => {
  const remembered = { modelKey: 'm@1#abc', backend: 'webgl' as const, timings: [] };

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

  it('offers the remembered choice with the model it was measured for', () => {
    expect(resolveBackendRequest({ setting: 'auto', remembered })).toEqual({ mode: 'remembered', backend: 'webgl', modelKey: 'm@1#abc' });
  });

  it('measures when nothing is known', () => {
    expect(resolveBackendRequest({ setting: 'auto' })).toEqual({ mode: 'measure' });
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
