import 'fake-indexeddb/auto';
import { beforeEach, describe, expect, it } from 'vitest';
import { findSegments, normalClassIndex, type TimelinePoint } from '../domain/video-segments.ts';
import { buildSessionFile, parseSessionFile, serializeSession, videosOf } from '../features/session-export/session-json.ts';
import { loadVideoIndex, loadVideoPoints, loadVideoRecords } from '../persistence/db.ts';
import { unpackPoints } from '../persistence/video-points.ts';
import { freshStoreAndDb, readyModel } from '../store/fixtures.test-helpers.ts';
import { useAppStore } from '../store/store.ts';
import { flatPoints, type VideoRecord } from '../store/videos-slice.ts';
import { importVideos } from './video-import.ts';
import { toVideoResults } from './video-records.ts';

const PARAMS = { smoothingS: 1, enter: 0.6, exit: 0.4, minDurationS: 1 };
const MODEL = { name: 'M', version: '1', classes: ['0_normal', '2_polyps'] };
const store = () => useAppStore.getState();

/** 10 s at 10 frames/s, a polyp from 5 s; one unfamiliar frame. */
const timeline = (): TimelinePoint[] =>
  Array.from({ length: 100 }, (_, i) => {
    const polyp = i >= 50 ? 0.93 + (i % 3) * 0.0123 : 0.04 + (i % 2) * 0.0111;
    return { t: i * 0.1, probabilities: [1 - polyp, polyp], unfamiliar: i === 80 };
  });

const record = (patch: Partial<VideoRecord> = {}): VideoRecord => ({
  id: 'v1',
  fileName: 'procedure.webm',
  size: 1000,
  lastModified: 1_764_000_000_000,
  addedAt: 5,
  status: 'done',
  info: { durationS: 10, width: 720, height: 576, codec: 'vp8', downscaled: false },
  sampleFps: 30,
  framesAnalysed: 100,
  analysedUntilS: 9.9,
  modelKey: 'M@1#x',
  backend: 'wasm',
  fileStored: true,
  ...patch,
});

/** The segments the timeline view shows for a video of the store. */
function storeSegments(id: string) {
  const s = store();
  const classes = s.modelInfos[s.videos[id].modelKey ?? ''].classes.map((c) => c.name);
  return findSegments(flatPoints(s.videoPoints[id]), classes.length, normalClassIndex(classes), PARAMS).map((g) => ({
    ...g,
    start: g.start.toFixed(6),
    end: g.end.toFixed(6),
    meanProbability: g.meanProbability.toFixed(3),
    maxProbability: g.maxProbability.toFixed(3),
  }));
}

/** The session as a file exported from this store, read back. */
async function exportedVideos() {
  const s = store();
  const videos = toVideoResults(s.videoOrder, s.videos, s.videoPoints, s.modelInfos);
  const file = await buildSessionFile([], { model: MODEL, videos, segmentParams: PARAMS });
  return videosOf(parseSessionFile(serializeSession(file)));
}

beforeEach(() => {
  freshStoreAndDb();
  readyModel();
});

describe('importing a session file with videos', () => {
  it('adds a video not in the session: record and timeline, same segments, without its file, kept in IndexedDB', async () => {
    store().addVideos([record()], { v1: timeline() });
    const segments = storeSegments('v1');
    expect(segments.map((g) => g.classIndex)).toEqual([1]);
    const videos = await exportedVideos();

    freshStoreAndDb();
    readyModel();
    expect(await importVideos(videos)).toEqual([]);
    const v = store().videos.v1;
    expect(v).toMatchObject({ fileName: 'procedure.webm', status: 'done', framesAnalysed: 100, fileStored: false, modelKey: 'M@1#x' });
    expect(store().videoOrder).toEqual(['v1']);
    expect(storeSegments('v1')).toEqual(segments);
    expect(flatPoints(store().videoPoints.v1)[80].unfamiliar).toBe(true);

    expect(await loadVideoIndex()).toEqual({ version: 1, order: ['v1'] });
    const [saved] = await loadVideoRecords(['v1']);
    expect(saved?.fileStored).toBe(false);
    const points = await loadVideoPoints('v1');
    expect(points && unpackPoints(points)).toHaveLength(100);
  });

  it('updates a video already here (same id), keeping what is local to this browser', async () => {
    store().addVideos([record()], { v1: timeline() });
    const segments = storeSegments('v1');
    const videos = await exportedVideos();
    store().updateVideo('v1', { framesAnalysed: 3, analysedUntilS: 0.2 });
    await importVideos(videos);
    expect(store().videoOrder).toEqual(['v1']);
    expect(store().videos.v1).toMatchObject({ framesAnalysed: 100, addedAt: 5, fileStored: true });
    expect(storeSegments('v1')).toEqual(segments);
  });

  it('brings an unfinished run in stopped, files an unknown model under its own key, and leaves a run going here alone', async () => {
    store().addVideos([record({ status: 'running' }), record({ id: 'v2', fileName: 'b.webm' })], { v1: timeline(), v2: timeline() });
    const videos = (await exportedVideos()).map((v) => (v.id === 'v2' ? { ...v, model: { ...v.model, version: '9' } } : v));
    freshStoreAndDb();
    readyModel();
    store().addVideos([record({ id: 'v2', fileName: 'b.webm', status: 'queued', framesAnalysed: 0 })]);
    expect(await importVideos(videos)).toEqual(['v2']);
    expect(store().videos.v1.status).toBe('cancelled');
    expect(store().videos.v2).toMatchObject({ status: 'queued', framesAnalysed: 0 });

    freshStoreAndDb();
    readyModel();
    await importVideos(videos);
    expect(store().videos.v2.modelKey).toBe('imported:M@9#0_normal,2_polyps');
    expect(store().modelInfos['imported:M@9#0_normal,2_polyps'].version).toBe('9');
    expect(storeSegments('v2')).toEqual(storeSegments('v1'));
  });
});
