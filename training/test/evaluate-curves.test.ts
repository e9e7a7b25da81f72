import { describe, expect, it } from 'vitest';
import { JSDOM } from 'jsdom';
import { renderCurvesSvg, niceTicks } from '../src/evaluate/curves-svg.ts';
import type { EpochRecord } from '../../src/core/metadata.ts';

const records: EpochRecord[] = [
  { phase: 'warm-up', epoch: 1, loss: 0.9, accuracy: 0.6, valLoss: 0.8, valAccuracy: 0.65 },
  { phase: 'warm-up', epoch: 2, loss: 0.7, accuracy: 0.7, valLoss: 0.6, valAccuracy: 0.72 },
  { phase: 'fine-tune', epoch: 3, loss: 0.5, accuracy: 0.8, valLoss: 0.45, valAccuracy: 0.81 },
  { phase: 'fine-tune', epoch: 4, loss: 0.4, accuracy: 0.85, valLoss: 0.5, valAccuracy: 0.8 },
];

function parse(svg: string): Document {
  const doc = new new JSDOM('').window.DOMParser().parseFromString(svg, 'image/svg+xml');
  expect(doc.getElementsByTagName('parsererror').length).toBe(0);
  return doc;
}

describe('renderCurvesSvg', () => {
  it('draws a well-formed plot with both series, axes labels and a legend', () => {
    const svg = renderCurvesSvg(records, 'loss');
    const doc = parse(svg);
    expect(doc.documentElement.tagName).toBe('svg');
    const train = doc.querySelector('polyline.series-train')?.getAttribute('points')?.split(' ');
    const val = doc.querySelector('polyline.series-val')?.getAttribute('points')?.split(' ');
    expect(train).toHaveLength(4);
    expect(val).toHaveLength(4);
    // Falling loss is drawn falling (SVG y grows downwards); epochs run left to right.
    const ys = (train ?? []).map((p) => Number(p.split(',')[1]));
    const xs = (train ?? []).map((p) => Number(p.split(',')[0]));
    expect([...ys].sort((a, b) => a - b)).toEqual(ys);
    expect(new Set(ys).size).toBe(4);
    expect([...xs].sort((a, b) => a - b)).toEqual(xs);
    const text = doc.documentElement.textContent ?? '';
    for (const t of ['Epoch', 'Loss', 'training', 'validation', 'warm-up', 'fine-tune']) expect(text).toContain(t);
    expect(svg).not.toContain('NaN');
  });

  it('marks the phase boundary between the last warm-up and the first fine-tune epoch', () => {
    const doc = parse(renderCurvesSvg(records, 'accuracy'));
    const lines = doc.querySelectorAll('line.phase-boundary');
    expect(lines).toHaveLength(1);
    const x = Number(lines[0].getAttribute('x1'));
    const pts = (doc.querySelector('polyline.series-train')?.getAttribute('points') ?? '').split(' ').map((p) => Number(p.split(',')[0]));
    expect(x).toBeGreaterThan(pts[1]);
    expect(x).toBeLessThan(pts[2]);
    expect(doc.documentElement.textContent).toContain('Accuracy');
  });

  it('marks the best validation loss on loss plots only', () => {
    const loss = parse(renderCurvesSvg(records, 'loss'));
    expect(loss.querySelector('circle.best')).not.toBeNull();
    expect(loss.documentElement.textContent).toContain('best 0.45');
    expect(parse(renderCurvesSvg(records, 'accuracy')).querySelector('circle.best')).toBeNull();
  });

  it('copes with no epochs, a non-finite value and odd phase names', () => {
    expect(parse(renderCurvesSvg([], 'loss')).documentElement.textContent).toContain('No epochs');
    const odd = [{ ...records[0], phase: 'a<b & "c"' }, { ...records[1], valLoss: Number.NaN }];
    const svg = renderCurvesSvg(odd, 'loss');
    parse(svg);
    expect(svg).not.toContain('NaN');
  });

  it('picks round tick values', () => {
    expect(niceTicks(0, 1)).toEqual([0, 0.2, 0.4, 0.6, 0.8, 1]);
    expect(niceTicks(0.03, 0.97)).toEqual([0.2, 0.4, 0.6, 0.8]);
  });
});
