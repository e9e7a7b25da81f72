import 'fake-indexeddb/auto';
import { beforeEach, describe, expect, it, vi } from 'vitest';
import { clearSessionData, loadFrameRecords, loadThumb, saveThumb } from '../persistence/db.ts';
import { freshStoreAndDb, queuedFrame as frame, readyModel } from './fixtures.test-helpers.ts';
import { hydrate, startPersisting } from '../persistence/persist-store.ts';
import { countsPerClass, isLowConfidence, isUnfamiliarFrame, lowConfidenceThreshold, visibleFrameIds } from './selectors.ts';
import { initialState, useAppStore } from './store.ts';
import type { FrameRecord } from './types.ts';

beforeEach(freshStoreAndDb);

describe('store', () => {
  it('applies a batch of outcomes in one update: predicted class, confidence and errors', () => {
    readyModel();
    const s = useAppStore.getState();
    s.addFrames([frame('f1', 'a.jpg'), frame('f2', 'b.jpg'), frame('f3', 'c.txt')]);
    let updates = 0;
    const unsub = useAppStore.subscribe(() => updates++);
    s.applyOutcomes(
      [
        { id: 'f1', ok: true, probabilities: [0.2, 0.8], width: 4, height: 4, downscaled: false },
        { id: 'f2', ok: true, probabilities: [0.65, 0.35], width: 4, height: 4, downscaled: false },
        { id: 'f3', ok: false, code: 'not-image' },
      ],
      'M@1#x',
    );
    unsub();
    expect(updates).toBe(1);
    const { frames } = useAppStore.getState();
    expect(frames.f1).toMatchObject({ status: 'done', predictedIndex: 1, confidence: 0.8, modelKey: 'M@1#x' });
    expect(frames.f3).toMatchObject({ status: 'error', error: { code: 'not-image' } });
  });

  it('reset() returns to the initial state', () => {
    useAppStore.getState().addFrames([frame('f1', 'a.jpg')]);
    useAppStore.getState().updateSettings({ lowConfidenceThreshold: 0.3 });
    useAppStore.getState().reset();
    const s = useAppStore.getState();
    expect({ frames: s.frames, order: s.order, settings: s.settings }).toEqual({
      frames: initialState.frames,
      order: initialState.order,
      settings: initialState.settings,
    });
  });
});

describe('persistence in IndexedDB', () => {
  it('restores results, settings and view after a "reload" (store reset + hydrate)', async () => {
    readyModel();
    const p = startPersisting(5);
    const s = useAppStore.getState();
    s.addFrames([frame('f1', 'a.jpg'), frame('f2', 'b.jpg')]);
    s.applyOutcomes([{ id: 'f1', ok: true, probabilities: [0.9, 0.1], width: 4, height: 4, downscaled: false }], 'M@1#x');
    s.updateSettings({ language: 'es', lowConfidenceThreshold: 0.55 });
    s.updateView({ sort: 'confidence-asc' });
    await p.stop();
    const before = useAppStore.getState();
    useAppStore.getState().reset();
    expect(useAppStore.getState().order).toEqual([]);
    await hydrate();
    const after = useAppStore.getState();
    expect(after.frames).toEqual(before.frames);
    expect(after.order).toEqual(['f1', 'f2']);
    expect(after.modelInfos['M@1#x'].classes.map((c) => c.name)).toEqual(['0_normal', '2_polyps']);
    expect(after.settings).toEqual({ language: 'es', lowConfidenceThreshold: 0.55, confidentThreshold: null, backend: 'auto' });
    expect(after.view.sort).toBe('confidence-asc');
  });

  it('writes a result on its own (no flush), and only the frames that changed', async () => {
    readyModel();
    const p = startPersisting();
    useAppStore.getState().addFrames([frame('f1', 'a.jpg'), frame('f2', 'b.jpg')]);
    // Retrying waits: how fast IndexedDB answers is the machine's business, not this test's.
    const f2Before = await vi.waitFor(async () => {
      const [f2] = await loadFrameRecords(['f2']);
      expect(f2).toBeDefined();
      return f2;
    });
    useAppStore
      .getState()
      .applyOutcomes([{ id: 'f1', ok: true, probabilities: [0.3, 0.7], width: 4, height: 4, downscaled: false }], 'M@1#x');
    // No flush(): as after a crash right after the result.
    await vi.waitFor(async () => expect((await loadFrameRecords(['f1']))[0]).toMatchObject({ status: 'done', confidence: 0.7 }));
    expect((await loadFrameRecords(['f2']))[0]).toEqual(f2Before);
    useAppStore.getState().removeAllFrames();
    await p.stop();
    expect(await loadFrameRecords(['f1', 'f2'])).toEqual([undefined, undefined]);
  });

  it('clearing the session removes frames and thumbnails but keeps settings', async () => {
    const p = startPersisting(5);
    useAppStore.getState().addFrames([frame('f1', 'a.jpg')]);
    useAppStore.getState().updateSettings({ lowConfidenceThreshold: 0.4 });
    await p.flush();
    await saveThumb('f1', new Blob(['jpeg']));
    useAppStore.getState().removeAllFrames();
    await p.stop();
    await clearSessionData();
    useAppStore.getState().reset();
    await hydrate();
    expect(useAppStore.getState().order).toEqual([]);
    expect(useAppStore.getState().settings.lowConfidenceThreshold).toBe(0.4);
    expect(await loadThumb('f1')).toBeUndefined();
  });
});

describe('selectors', () => {
  function classified() {
    readyModel();
    const s = useAppStore.getState();
    s.addFrames([frame('f1', 'img10.jpg'), frame('f2', 'img2.jpg'), frame('f3', 'img3.jpg'), frame('f4', 'bad.txt')]);
    s.applyOutcomes(
      [
        { id: 'f1', ok: true, probabilities: [0.9, 0.1], width: 1, height: 1, downscaled: false },
        { id: 'f2', ok: true, probabilities: [0.4, 0.6], width: 1, height: 1, downscaled: false },
        { id: 'f3', ok: true, probabilities: [0.25, 0.75], width: 1, height: 1, downscaled: false },
        { id: 'f4', ok: false, code: 'not-image' },
      ],
      'M@1#x',
    );
    return useAppStore.getState();
  }

  it('takes the low-confidence threshold from settings, else from the model metadata', () => {
    const s = classified();
    expect(lowConfidenceThreshold(s)).toBe(0.7);
    s.updateSettings({ lowConfidenceThreshold: 0.5 });
    expect(lowConfidenceThreshold(useAppStore.getState())).toBe(0.5);
  });

  it('sorts by name (numeric), confidence and class, and filters by class, range and low confidence', () => {
    const s = classified();
    const ids = (view: Partial<typeof s.view>) => visibleFrameIds(s.order, s.frames, s.modelInfos, { ...s.view, ...view }, 0.7);
    expect(ids({ sort: 'name' })).toEqual(['f4', 'f2', 'f3', 'f1']);
    expect(ids({ sort: 'confidence-desc' })).toEqual(['f1', 'f3', 'f2', 'f4']);
    expect(ids({ sort: 'confidence-asc' })).toEqual(['f2', 'f3', 'f1', 'f4']);
    expect(ids({ classFilter: '2_polyps' })).toEqual(['f2', 'f3']);
    expect(ids({ minConfidence: 0.7 })).toEqual(['f1', 'f3']);
    expect(ids({ onlyLowConfidence: true })).toEqual(['f2']);
  });

  it('sorts and range-filters a frame unlike the training images as the least confident, whatever its probability', () => {
    readyModel();
    const s = useAppStore.getState();
    s.addFrames([frame('a', 'a.jpg'), frame('b', 'b.jpg'), frame('c', 'c.jpg')]);
    s.applyOutcomes(
      [
        {
          id: 'a',
          ok: true,
          probabilities: [0.99, 0.01],
          width: 1,
          height: 1,
          downscaled: false,
          familiarityDistance: 0.7,
          unfamiliar: true,
        },
        {
          id: 'b',
          ok: true,
          probabilities: [0.6, 0.4],
          width: 1,
          height: 1,
          downscaled: false,
          familiarityDistance: 0.2,
          unfamiliar: false,
        },
        {
          id: 'c',
          ok: true,
          probabilities: [0.2, 0.8],
          width: 1,
          height: 1,
          downscaled: false,
          familiarityDistance: 0.1,
          unfamiliar: false,
        },
      ],
      'M@1#x',
    );
    const st = useAppStore.getState();
    const ids = (sort: 'confidence-asc' | 'confidence-desc') =>
      visibleFrameIds(st.order, st.frames, st.modelInfos, { ...st.view, sort }, 0.5);
    expect(ids('confidence-asc')).toEqual(['a', 'b', 'c']);
    expect(ids('confidence-desc')).toEqual(['c', 'b', 'a']);
    // The confidence range filter reads it the same way: never among the confident ones.
    const range = (minConfidence: number, maxConfidence: number) =>
      visibleFrameIds(st.order, st.frames, st.modelInfos, { ...st.view, minConfidence, maxConfidence }, 0.5);
    expect(range(0.9, 1)).toEqual([]);
    expect(range(0, 0.5)).toEqual(['a']);
  });

  it('counts frames per class with their low-confidence share, listing classes with none', () => {
    const s = classified();
    expect(countsPerClass(s.frames, s.modelInfos, ['0_normal', '2_polyps'], 0.8)).toEqual([
      { name: '0_normal', count: 1, low: 0, unfamiliar: 0 },
      { name: '2_polyps', count: 2, low: 2, unfamiliar: 0 },
    ]);
  });
});

describe('familiarity check (issue 4 item 6)', () => {
  const ok = (id: string, probabilities: number[], check?: { familiarityDistance: number; unfamiliar: boolean }) => ({
    id,
    ok: true as const,
    probabilities,
    width: 1,
    height: 1,
    downscaled: false,
    ...check,
  });

  it("keeps distance and flag from the outcome, and drops an old result's check when a model without one re-runs the frame", () => {
    readyModel();
    const s = useAppStore.getState();
    s.addFrames([frame('f1', 'a.jpg'), frame('f2', 'b.jpg')]);
    s.applyOutcomes(
      [
        ok('f1', [0.997, 0.003], { familiarityDistance: 0.61, unfamiliar: true }),
        ok('f2', [0.3, 0.7], { familiarityDistance: 0.05, unfamiliar: false }),
      ],
      'M@1#x',
    );
    expect(useAppStore.getState().frames.f1).toMatchObject({ confidence: 0.997, familiarityDistance: 0.61, unfamiliar: true });
    expect(useAppStore.getState().frames.f2).toMatchObject({ familiarityDistance: 0.05, unfamiliar: false });
    useAppStore.getState().applyOutcomes([ok('f1', [0.9, 0.1])], 'M@1#x');
    const f1 = useAppStore.getState().frames.f1;
    expect('unfamiliar' in f1 || 'familiarityDistance' in f1).toBe(false);
  });

  it('counts an unfamiliar frame as low confidence whatever its top probability: filter and per-class counts', () => {
    readyModel();
    const s = useAppStore.getState();
    s.addFrames([frame('f1', 'noise.png'), frame('f2', 'b.jpg'), frame('f3', 'c.jpg')]);
    s.applyOutcomes(
      [
        ok('f1', [0.997, 0.003], { familiarityDistance: 0.6, unfamiliar: true }),
        ok('f2', [0.95, 0.05], { familiarityDistance: 0.02, unfamiliar: false }),
        ok('f3', [0.4, 0.6]), // not checked
      ],
      'M@1#x',
    );
    const st = useAppStore.getState();
    expect(isUnfamiliarFrame(st.frames.f1)).toBe(true);
    expect(isLowConfidence(st.frames.f1, 0.7)).toBe(true);
    expect([isUnfamiliarFrame(st.frames.f2), isLowConfidence(st.frames.f2, 0.7), isUnfamiliarFrame(st.frames.f3)]).toEqual([
      false,
      false,
      false,
    ]);
    expect(visibleFrameIds(st.order, st.frames, st.modelInfos, { ...st.view, onlyLowConfidence: true }, 0.7)).toEqual(['f1', 'f3']);
    expect(countsPerClass(st.frames, st.modelInfos, ['0_normal', '2_polyps'], 0.7)).toEqual([
      { name: '0_normal', count: 2, low: 1, unfamiliar: 1 },
      { name: '2_polyps', count: 1, low: 1, unfamiliar: 0 },
    ]);
  });

  it('persists the two fields, and frames saved before them hydrate as "not checked"', async () => {
    readyModel();
    const p = startPersisting(5);
    const s = useAppStore.getState();
    s.addFrames([frame('f1', 'a.jpg')]);
    s.applyOutcomes([ok('f1', [0.997, 0.003], { familiarityDistance: 0.61, unfamiliar: true })], 'M@1#x');
    // A record as an older EndoLens wrote it: no check fields at all.
    const old: FrameRecord = {
      ...frame('f0', 'old.jpg'),
      status: 'done',
      modelKey: 'M@1#x',
      probabilities: [0.2, 0.8],
      predictedIndex: 1,
      confidence: 0.8,
    };
    useAppStore.getState().addFrames([old]);
    await p.stop();
    useAppStore.getState().reset();
    await hydrate();
    const after = useAppStore.getState();
    expect(after.frames.f1).toMatchObject({ familiarityDistance: 0.61, unfamiliar: true });
    expect(after.frames.f0.unfamiliar).toBeUndefined();
    expect([isUnfamiliarFrame(after.frames.f0), isLowConfidence(after.frames.f0, 0.7)]).toEqual([false, false]);
  });
});

describe('reviews and imports (issue 6)', () => {
  it('writes a review map onto the records, persists it, and filters reviewed vs not', async () => {
    readyModel();
    const p = startPersisting(5);
    const s = useAppStore.getState();
    s.addFrames([frame('f1', 'a.jpg'), frame('f2', 'b.jpg')]);
    s.applyOutcomes(
      [
        { id: 'f1', ok: true, probabilities: [0.9, 0.1], width: 1, height: 1, downscaled: false },
        { id: 'f2', ok: true, probabilities: [0.2, 0.8], width: 1, height: 1, downscaled: false },
      ],
      'M@1#x',
      'wasm',
    );
    const review = { reviewedClass: '2_polyps', note: 'n', reviewedAt: '2026-11-26T10:00:00.000Z' };
    useAppStore.getState().setReviews({ f1: review });
    await p.stop();
    useAppStore.getState().reset();
    await hydrate();
    const after = useAppStore.getState();
    expect(after.frames.f1).toMatchObject({ review, backend: 'wasm' });
    expect(after.frames.f2.review).toBeUndefined();
    const ids = (reviewFilter: 'reviewed' | 'unreviewed') =>
      visibleFrameIds(after.order, after.frames, after.modelInfos, { ...after.view, reviewFilter }, 0.7);
    expect(ids('reviewed')).toEqual(['f1']);
    expect(ids('unreviewed')).toEqual(['f2']);
    useAppStore.getState().setReviews({});
    expect(useAppStore.getState().frames.f1.review).toBeUndefined();
  });

  it('imports merge: a known id is updated, a new one appended, nothing removed', () => {
    readyModel();
    const s = useAppStore.getState();
    s.addFrames([frame('f1', 'a.jpg'), frame('f2', 'b.jpg')]);
    const info = useAppStore.getState().modelInfos['M@1#x'];
    s.importFrames(
      [
        { ...frame('f2', 'b.jpg'), status: 'done' },
        { ...frame('f9', 'z.jpg'), status: 'done' },
      ],
      { ...info, modelKey: 'imported:x' },
    );
    const after = useAppStore.getState();
    expect(after.order).toEqual(['f1', 'f2', 'f9']);
    expect(after.frames.f2.status).toBe('done');
    expect(after.modelInfos['imported:x']).toBeDefined();
  });
});
