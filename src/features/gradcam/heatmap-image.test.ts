import { describe, expect, it } from 'vitest';
import { colorize, fitWithin, heatmapToRgba, turbo, upsampleBilinear } from './heatmap-image.ts';

describe('upsampleBilinear', () => {
  it('keeps a corner peak in the same corner block of the frame', () => {
    const map = { heatmap: [1, 0, 0, 0, 0, 0, 0, 0, 0], width: 3, height: 3 };
    const out = upsampleBilinear(map, 30, 30);
    // The whole first output block maps onto cell (0,0) (clamped edge), so it stays at 1.
    expect(out[0]).toBe(1);
    expect(out[4 * 30 + 4]).toBe(1);
    // Further away it falls off, and the opposite corner is 0.
    expect(out[10 * 30 + 10]).toBeLessThan(out[5 * 30 + 5]);
    expect(out[29 * 30 + 29]).toBe(0);
  });

  it('interpolates linearly between cell centres and preserves a constant map', () => {
    const ramp = upsampleBilinear({ heatmap: [0, 1], width: 2, height: 1 }, 4, 1);
    // Output centres at 0.125,0.375,0.625,0.875 of the width -> source x = -0.25, 0.25, 0.75, 1.25.
    expect(Array.from(ramp)).toEqual([0, 0.25, 0.75, 1]);
    const flat = upsampleBilinear({ heatmap: new Float32Array(4).fill(0.4), width: 2, height: 2 }, 5, 7);
    expect(flat.every((v) => Math.abs(v - 0.4) < 1e-6)).toBe(true);
  });

  it('names the sizes when the map is malformed', () => {
    expect(() => upsampleBilinear({ heatmap: [1, 2, 3], width: 2, height: 2 }, 4, 4)).toThrow(/3 values, expected 2x2 = 4/);
    expect(() => upsampleBilinear({ heatmap: [1], width: 1, height: 1 }, 0, 4)).toThrow(/0x4/);
  });
});

describe('turbo and colorize', () => {
  it('goes from blue (little evidence) to red (most), dark at both ends, clamping out-of-range input', () => {
    const [r0, , b0] = turbo(0.15);
    const [r1, , b1] = turbo(0.9);
    expect(Math.max(...turbo(0))).toBeLessThan(60);
    expect(Math.max(...turbo(0.5))).toBeGreaterThan(200);
    expect(b0).toBeGreaterThan(r0);
    expect(r1).toBeGreaterThan(b1);
    expect(turbo(-3)).toEqual(turbo(0));
    expect(turbo(Number.NaN)).toEqual(turbo(0));
    expect(turbo(7)).toEqual(turbo(1));
  });

  it('sets alpha from the opacity, fading weak evidence to transparent', () => {
    const rgba = colorize([0, 0.05, 1], { opacity: 0.5, fadeBelow: 0.1 });
    expect(rgba.length).toBe(12);
    expect(rgba[3]).toBe(0);
    expect(rgba[7]).toBe(Math.round(255 * 0.5 * 0.5));
    expect(rgba[11]).toBe(128);
    expect(Array.from(colorize([0.2], { opacity: 1, fadeBelow: 0 }).slice(3))).toEqual([255]);
  });

  it('heatmapToRgba gives ImageData-sized output', () => {
    expect(heatmapToRgba({ heatmap: [0, 1, 1, 0], width: 2, height: 2 }, 10, 6).length).toBe(10 * 6 * 4);
  });
});

describe('fitWithin', () => {
  it('keeps the aspect ratio and never enlarges', () => {
    expect(fitWithin(1280, 1024, 448)).toEqual({ width: 448, height: 358 });
    expect(fitWithin(100, 50, 448)).toEqual({ width: 100, height: 50 });
  });
});
