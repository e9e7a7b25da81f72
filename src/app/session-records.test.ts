import { describe, expect, it } from 'vitest';
import { displayNameFor } from '../core/classes.ts';
import { sessionToCsv, parseCsv, csvColumns } from '../features/session-export/csv.ts';
import type { FrameRecord, ModelInfo } from '../store/types.ts';
import { importedModelInfo, recordFromImport, sessionModelInfo, sessionModelKey, toFrameResults } from './session-records.ts';

const info = (key: string, classes: string[], version = '1'): ModelInfo => ({
  modelKey: key,
  name: 'M',
  version,
  classes: classes.map((name) => ({ name, display: displayNameFor(name) })),
});
const A = info('M@1#a', ['0_normal', '2_polyps']);
const B = info('N@2#b', ['0_normal', '1_ulcerative_colitis', '2_polyps'], '2');
const infos = { [A.modelKey]: A, [B.modelKey]: B };

function rec(id: string, patch: Partial<FrameRecord>): FrameRecord {
  return { id, fileName: `${id}.jpg`, size: 10, addedAt: 1_700_000_000_000, status: 'done', hasThumb: false, ...patch };
}

const frames: Record<string, FrameRecord> = {
  f1: rec('f1', {
    modelKey: A.modelKey,
    probabilities: [0.3, 0.7],
    predictedIndex: 1,
    confidence: 0.7,
    backend: 'wasm',
    classifiedAt: 1_700_000_001_000,
    review: { reviewedClass: '0_normal', note: 'flat', reviewedAt: '2026-11-26T10:00:00.000Z' },
  }),
  f2: rec('f2', { status: 'queued' }),
  f3: rec('f3', { modelKey: B.modelKey, probabilities: [0.2, 0.3, 0.5], predictedIndex: 2, confidence: 0.5 }),
  f4: rec('f4', {
    modelKey: A.modelKey,
    probabilities: [0.9, 0.1],
    predictedIndex: 0,
    confidence: 0.9,
    backend: 'webgl',
    classifiedAt: 1_700_000_002_000,
  }),
};
const order = ['f1', 'f2', 'f3', 'f4'];

describe('store records -> export FrameResult', () => {
  it('maps classified frames of the export model in order, with class names, backend, ISO time and review', () => {
    const out = toFrameResults(order, frames, infos, sessionModelInfo(A));
    expect(out.map((f) => f.id)).toEqual(['f1', 'f4']); // f2 not classified, f3 another model's classes
    expect(out[0]).toEqual({
      id: 'f1',
      fileName: 'f1.jpg',
      probabilities: [0.3, 0.7],
      predictedClass: '2_polyps',
      confidence: 0.7,
      backend: 'wasm',
      classifiedAt: new Date(1_700_000_001_000).toISOString(),
      review: frames.f1.review,
      size: 10,
    });
  });

  it('feeds the CSV: one row per frame, every column', () => {
    const model = sessionModelInfo(A);
    const rows = parseCsv(sessionToCsv(toFrameResults(order, frames, infos, model), { model, thresholds: { low: 0.6, confident: 0.8 } }));
    expect(rows[0]).toEqual(csvColumns(model.classes));
    const col = (name: string) => rows[0].indexOf(name);
    expect(
      rows.slice(1).map((r) => [r[col('file_name')], r[col('confidence_level')], r[col('clinician_class')], r[col('backend')]]),
    ).toEqual([
      ['f1.jpg', 'uncertain', '0_normal', 'wasm'],
      ['f4.jpg', 'confident', '', 'webgl'],
    ]);
  });

  it('speaks for the loaded model, else for the first classified frame', () => {
    expect(sessionModelKey(order, frames, 'X')).toBe('X');
    expect(sessionModelKey(order, frames, undefined)).toBe(A.modelKey);
    expect(sessionModelKey(['f2'], frames, undefined)).toBeUndefined();
  });
});

describe('imported frames -> store records', () => {
  it('files frames of the loaded model under its key, others under a key of their own', () => {
    expect(importedModelInfo(sessionModelInfo(A), A)).toBe(A);
    const other = importedModelInfo({ name: 'M', version: '9', classes: ['0_normal', '2_polyps'] }, A);
    expect(other.modelKey).not.toBe(A.modelKey);
    expect(other.classes.map((c) => c.name)).toEqual(['0_normal', '2_polyps']);
  });

  it('round-trips a frame (results, review, hash) and marks a missing image', () => {
    const [exported] = toFrameResults(order, frames, infos, sessionModelInfo(A));
    const r = recordFromImport({ ...exported, sha256: 'ab'.repeat(32) }, A, false, 5);
    expect(r).toMatchObject({
      id: 'f1',
      status: 'done',
      modelKey: A.modelKey,
      predictedIndex: 1,
      confidence: 0.7,
      backend: 'wasm',
      classifiedAt: 1_700_000_001_000,
      review: frames.f1.review,
      imageMissing: true,
      sha256: 'ab'.repeat(32),
    });
    expect(recordFromImport(exported, A, true, 5).imageMissing).toBe(false);
  });

  it('carries the familiarity check both ways, and leaves it absent for frames never checked', () => {
    const checked = { ...frames, f4: { ...frames.f4, familiarityDistance: 0.61, unfamiliar: true } };
    const [f1, f4] = toFrameResults(order, checked, infos, sessionModelInfo(A));
    expect(f4).toMatchObject({ familiarityDistance: 0.61, unfamiliar: true });
    expect('unfamiliar' in f1 || 'familiarityDistance' in f1).toBe(false);
    expect(recordFromImport(f4, A, true, 5)).toMatchObject({ familiarityDistance: 0.61, unfamiliar: true });
    const r1 = recordFromImport(f1, A, true, 5);
    expect('unfamiliar' in r1 || 'familiarityDistance' in r1).toBe(false);
    const model = sessionModelInfo(A);
    const rows = parseCsv(sessionToCsv([f1, f4], { model, thresholds: { low: 0.6, confident: 0.8 } }));
    expect(rows.slice(1).map((r) => r[rows[0].indexOf('confidence_level')])).toEqual(['uncertain', 'unfamiliar']);
  });

  it('refuses a frame whose probabilities do not fit the model, naming the file', () => {
    const [exported] = toFrameResults(order, frames, infos, sessionModelInfo(A));
    expect(() => recordFromImport(exported, B, false, 0)).toThrow(/"f1\.jpg" has 2 probabilities .* 3 classes/);
  });
});
