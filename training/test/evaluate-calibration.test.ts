import { describe, expect, it } from 'vitest';
import { applyTemperature, expectedCalibrationError, fitTemperature, temperedNll } from '../src/evaluate/calibration.ts';
import { mulberry32 } from '../../src/core/rng.ts';

function softmaxRows(logits: Float64Array, k: number, scale: number): Float32Array {
  const out = new Float32Array(logits.length);
  for (let i = 0; i < logits.length / k; i++) {
    let max = -Infinity;
    for (let c = 0; c < k; c++) max = Math.max(max, logits[i * k + c] * scale);
    let sum = 0;
    for (let c = 0; c < k; c++) sum += Math.exp(logits[i * k + c] * scale - max);
    for (let c = 0; c < k; c++) out[i * k + c] = Math.exp(logits[i * k + c] * scale - max) / sum;
  }
  return out;
}

/** Labels drawn from softmax(logits), so the logits are calibrated at T = 1; probs are `overconfidence` x sharper. */
function synthetic(n: number, k: number, overconfidence: number, seed: number): { probs: Float32Array; labels: Int32Array } {
  const rng = mulberry32(seed);
  const logits = new Float64Array(n * k);
  for (let i = 0; i < logits.length; i++) logits[i] = (rng() - 0.5) * 4;
  const calibrated = softmaxRows(logits, k, 1);
  const labels = new Int32Array(n);
  for (let i = 0; i < n; i++) {
    let u = rng();
    let c = 0;
    while (c < k - 1 && u >= calibrated[i * k + c]) u -= calibrated[i * k + c++];
    labels[i] = c;
  }
  return { probs: softmaxRows(logits, k, overconfidence), labels };
}

describe('expectedCalibrationError', () => {
  it('matches a hand-worked case with 15 bins', () => {
    // Top probabilities 0.9 (right), 0.9 (wrong) share bin 13; 0.6 and 0.55 (both right) share bin 8.
    const probs = Float32Array.from([0.9, 0.1, 0.1, 0.9, 0.6, 0.4, 0.45, 0.55]);
    const labels = [0, 0, 0, 1];
    expect(expectedCalibrationError(probs, labels, 2)).toBeCloseTo(0.5 * 0.4 + 0.5 * (1 - 0.575), 6);
    // With 2 bins, all four fall in (0.5, 1]: |3/4 - 0.7375|.
    expect(expectedCalibrationError(probs, labels, 2, 2)).toBeCloseTo(Math.abs(0.75 - 0.7375), 6);
  });

  it('is 0 for a perfectly confident, perfectly right model', () => {
    expect(expectedCalibrationError(Float32Array.from([1, 0, 0, 1]), [0, 1], 2)).toBe(0);
  });
});

describe('temperature scaling', () => {
  it('recovers the temperature that undoes a known overconfidence', () => {
    const { probs, labels } = synthetic(6000, 3, 2.5, 11);
    const T = fitTemperature(probs, labels, 3);
    expect(T).toBeGreaterThan(2.2);
    expect(T).toBeLessThan(2.8);
    // It is the minimum of the NLL, and calibration improves.
    const nll = temperedNll(probs, labels, 3, T);
    expect(nll).toBeLessThan(temperedNll(probs, labels, 3, T * 1.05));
    expect(nll).toBeLessThan(temperedNll(probs, labels, 3, T / 1.05));
    const before = expectedCalibrationError(probs, labels, 3);
    const after = expectedCalibrationError(applyTemperature(probs, 3, T), labels, 3);
    expect(after).toBeLessThan(before / 2);
  });

  it('finds T < 1 for an underconfident model, deterministically', () => {
    const { probs, labels } = synthetic(3000, 4, 0.5, 3);
    const T = fitTemperature(probs, labels, 4);
    expect(T).toBeGreaterThan(0.4);
    expect(T).toBeLessThan(0.6);
    expect(fitTemperature(probs, labels, 4)).toBe(T);
  });

  it('applyTemperature is softmax(log p / T): identity at T = 1, rows sum to 1', () => {
    const p = Float32Array.from([0.7, 0.2, 0.1, 0.05, 0.05, 0.9]);
    const same = applyTemperature(p, 3, 1);
    p.forEach((v, i) => expect(same[i]).toBeCloseTo(v, 6));
    const t2 = applyTemperature(p, 3, 2);
    const s = Math.sqrt(0.7) + Math.sqrt(0.2) + Math.sqrt(0.1);
    expect(t2[0]).toBeCloseTo(Math.sqrt(0.7) / s, 6);
    expect(t2[3] + t2[4] + t2[5]).toBeCloseTo(1, 6);
    expect(() => applyTemperature(p, 3, 0)).toThrow(/positive number, got 0/);
  });
});
