import { describe, expect, it } from 'vitest';
import sharp from 'sharp';
import { renderCurvesSvg, niceTicks } from '../src/evaluate/curves-svg.ts';
import type { EpochRecord } from '../../src/core/metadata.ts';

const records: EpochRecord[] = [
  { phase: 'warm-up', epoch: 1, loss: 0.9, accuracy: 0.6, valLoss: 0.8, valAccuracy: 0.65 },
  { phase: 'warm-up', epoch: 2, loss: 0.7, accuracy: 0.7, valLoss: 0.6, valAccuracy: 0.72 },
  { phase: 'fine-tune', epoch: 3, loss: 0.5, accuracy: 0.8, valLoss: 0.45, valAccuracy: 0.81 },
  { phase: 'fine-tune', epoch: 4, loss: 0.4, accuracy: 0.85, valLoss: 0.5, valAccuracy: 0.8 },
];

/** librsvg (inside sharp) parses the XML strictly and rasterises it: a malformed SVG throws. */
async function renders(svg: string): Promise<void> {
  const { info } = await sharp(Buffer.from(svg)).png().toBuffer({ resolveWithObject: true });
  expect(info.width).toBeGreaterThan(100);
}

function points(svg: string, cls: string): [number, number][] {
  const m = new RegExp(`class="${cls}"[^>]*points="([^"]*)"`).exec(svg);
  return (m?.[1] ?? '')
    .split(' ')
    .filter(Boolean)
    .map((p) => p.split(',').map(Number) as [number, number]);
}

const texts = (svg: string): string => [...svg.matchAll(/<text[^>]*>([^<]*)<\/text>/g)].map((m) => m[1]).join(' | ');

describe('renderCurvesSvg', () => {
  it('draws a well-formed plot with both series, axis labels and a legend', async () => {
    const svg = renderCurvesSvg(records, 'loss');
    await renders(svg);
    expect(svg.startsWith('<svg xmlns="http://www.w3.org/2000/svg"')).toBe(true);
    const train = points(svg, 'series-train');
    expect(train).toHaveLength(4);
    expect(points(svg, 'series-val')).toHaveLength(4);
    // Falling loss is drawn falling (SVG y grows downwards); epochs run left to right.
    const ys = train.map((p) => p[1]);
    const xs = train.map((p) => p[0]);
    expect([...ys].sort((a, b) => a - b)).toEqual(ys);
    expect(new Set(ys).size).toBe(4);
    expect([...xs].sort((a, b) => a - b)).toEqual(xs);
    const t = texts(svg);
    for (const s of ['Epoch', 'Loss', 'training', 'validation', 'warm-up', 'fine-tune']) expect(t).toContain(s);
    expect(svg).not.toContain('NaN');
  });

  it('marks the phase boundary between the last warm-up and the first fine-tune epoch', async () => {
    const svg = renderCurvesSvg(records, 'accuracy');
    await renders(svg);
    const lines = [...svg.matchAll(/class="phase-boundary" x1="([\d.]+)"/g)];
    expect(lines).toHaveLength(1);
    const x = Number(lines[0][1]);
    const xs = points(svg, 'series-train').map((p) => p[0]);
    expect(x).toBeGreaterThan(xs[1]);
    expect(x).toBeLessThan(xs[2]);
    expect(texts(svg)).toContain('Accuracy');
  });

  it('marks the best validation loss on loss plots only', () => {
    const loss = renderCurvesSvg(records, 'loss');
    expect(loss).toContain('class="best"');
    expect(texts(loss)).toContain('best 0.45');
    expect(renderCurvesSvg(records, 'accuracy')).not.toContain('class="best"');
  });

  it('copes with no epochs, a non-finite value and odd phase names', async () => {
    const empty = renderCurvesSvg([], 'loss');
    await renders(empty);
    expect(texts(empty)).toContain('No epochs');
    const svg = renderCurvesSvg(
      [
        { ...records[0], phase: 'a<b & "c"' },
        { ...records[1], valLoss: Number.NaN },
      ],
      'loss',
    );
    await renders(svg);
    expect(svg).toContain('a&lt;b &amp; &quot;c&quot;');
    expect(svg).not.toContain('NaN');
  });

  it('picks round tick values', () => {
    expect(niceTicks(0, 1)).toEqual([0, 0.2, 0.4, 0.6, 0.8, 1]);
    expect(niceTicks(0.03, 0.97)).toEqual([0.2, 0.4, 0.6, 0.8]);
  });
});
