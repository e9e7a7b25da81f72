/**
 * Videos in the session: dropped files -> records (kept in IndexedDB with the file itself) -> one
 * video worker at a time (src/inference/video-worker.ts: demux, decode, preprocess) -> its batches
 * scored by the inference worker (scoreInputs) -> timeline points in the store and IndexedDB.
 * Pause stops handing out credits (the video worker waits, holding at most a batch); cancel ends the
 * worker; both resume from the last analysed frame, also after a reload.
 */
import type { TimelinePoint } from '../domain/video-segments.ts';
import { isVideoFile, type FromVideoWorker, type ToVideoWorker } from '../inference/video-protocol.ts';
import {
  loadVideoFile,
  loadVideoIndex,
  loadVideoPoints,
  loadVideoRecords,
  saveVideoFile,
  saveVideoIndex,
  saveVideoPoints,
  saveVideoRecord,
} from '../persistence/db.ts';
import { packPoints, unpackPoints } from '../persistence/video-points.ts';
import { useAppStore } from '../store/store.ts';
import { videoSettings } from '../store/video-settings.ts';
import { flatPoints, type VideoRecord } from '../store/videos-slice.ts';
import { scoreInputs } from './session.ts';

export { isVideoFile };

/** Frames per batch: the inference worker's own batch size. */
const VIDEO_BATCH = 8;
/** Batches in flight between the video worker and the model: one being scored, one being prepared. */
const CREDITS = 2;
/** Timeline points are written to IndexedDB at most this often while a video runs (and at its end). */
const SAVE_POINTS_MS = 5000;

const store = () => useAppStore.getState();

/** Files of this page's videos (after a reload: read back from IndexedDB when needed). */
const files = new Map<string, Blob>();

interface Run {
  id: string;
  worker: Worker;
  paused: boolean;
  /** Credits owed to the worker while paused. */
  owed: number;
  lastSaved: number;
  epoch: number;
  /** Summed stage times of this run (VideoRecord.stageMs is them per frame). */
  stages: { decode: number; preprocess: number; inference: number; ui: number; frames: number };
  /** Messages are handled in order: 'end' must wait for the last batch's scores. */
  chain: Promise<void>;
}
let active: Run | undefined;
/** Bumped by clearVideos: writes of an earlier session are dropped. */
let epoch = 0;
let started = false;

function persistRecord(id: string): void {
  const r = store().videos[id];
  const at = epoch;
  if (r) void saveVideoRecord(r).catch((e: unknown) => at === epoch && console.error('Could not save the video record', e));
}

function persistPoints(id: string): void {
  const r = store().videos[id];
  const classes = store().modelInfos[r?.modelKey ?? '']?.classes.length ?? store().model.metadata?.classes.length;
  if (!r || !classes) return;
  const packed = packPoints(flatPoints(store().videoPoints[id]), classes);
  void saveVideoPoints(id, packed).catch((e: unknown) => console.error('Could not save the video timeline', e));
}

/** Loads the session's videos and starts (or resumes) their analysis once a model is ready. */
export async function startVideos(): Promise<void> {
  if (started) return;
  started = true;
  try {
    const index = await loadVideoIndex();
    if (index?.version === 1 && index.order.length) {
      const records = (await loadVideoRecords(index.order)).filter((r): r is VideoRecord => !!r);
      const points: Record<string, TimelinePoint[]> = {};
      for (const r of records) {
        const stored = await loadVideoPoints(r.id);
        if (stored) points[r.id] = unpackPoints(stored);
        // A run the reload interrupted goes on from its last analysed frame.
        if (r.status === 'running') r.status = 'queued';
      }
      store().addVideos(records, points);
    }
  } catch (e) {
    console.error('Could not read the saved videos', e);
  }
  // Analysis waits for a model; a model switch lets the queue go on with the new one.
  useAppStore.subscribe((s, prev) => {
    if (s.model.status === 'ready' && prev.model.status !== 'ready') pump();
  });
  pump();
}

/** Adds dropped video files: each gets a record and is analysed in turn. The same file dropped again re-attaches to its record. */
export async function addVideos(dropped: readonly File[]): Promise<void> {
  if (!dropped.length) return;
  const s = store();
  const { sampleFps } = videoSettings(s.settings);
  const fresh: VideoRecord[] = [];
  for (const f of dropped) {
    const same = s.videoOrder
      .map((id) => s.videos[id])
      .find((r) => r.fileName === f.name && r.size === f.size && r.lastModified === f.lastModified);
    if (same) {
      files.set(same.id, f);
      if (!same.fileStored) reattach(same.id, f);
      continue;
    }
    const id = crypto.randomUUID();
    files.set(id, f);
    fresh.push({
      id,
      fileName: f.name,
      size: f.size,
      lastModified: f.lastModified,
      addedAt: Date.now(),
      status: 'queued',
      sampleFps,
      framesAnalysed: 0,
      analysedUntilS: 0,
      fileStored: false,
    });
  }
  if (!fresh.length) return;
  store().addVideos(fresh);
  await saveVideoIndex(store().videoOrder).catch(() => undefined);
  fresh.forEach((r) => persistRecord(r.id));
  pump();
  // Kept so a reload can play and resume it; a refused write (quota) only means it must be dropped again then.
  for (const r of fresh) {
    const file = files.get(r.id);
    if (file && file.size)
      await saveVideoFile(r.id, file).then(
        () => markStored(r.id),
        () => undefined,
      );
  }
}

function reattach(id: string, file: Blob): void {
  void saveVideoFile(id, file).then(
    () => markStored(id),
    () => undefined,
  );
  store().updateVideo(id, {}); // the player re-reads the file
}

function markStored(id: string): void {
  if (!store().videos[id]) return;
  store().updateVideo(id, { fileStored: true });
  persistRecord(id);
}

/** The video's file: this page's copy, else IndexedDB's; undefined when neither has it. */
export async function videoFile(id: string): Promise<Blob | undefined> {
  const held = files.get(id);
  if (held) return held;
  const stored = await loadVideoFile(id).catch(() => undefined);
  if (stored) files.set(id, stored);
  return stored;
}

function pump(): void {
  if (active || store().model.status !== 'ready') return;
  const s = store();
  const next = s.videoOrder.find((id) => s.videos[id]?.status === 'queued');
  if (next) void run(next);
}

async function run(id: string): Promise<void> {
  const meta = store().model.metadata;
  if (!meta || active) return;
  const worker = new Worker(new URL('../inference/video-worker.ts', import.meta.url), { type: 'module', name: 'endolens-video' });
  const r: Run = {
    id,
    worker,
    paused: false,
    owed: 0,
    lastSaved: Date.now(),
    epoch,
    chain: Promise.resolve(),
    stages: { decode: 0, preprocess: 0, inference: 0, ui: 0, frames: 0 },
  };
  active = r;
  const record = store().videos[id];
  store().updateVideo(id, { status: 'running', runStartedAt: Date.now(), runStartS: record.analysedUntilS, error: undefined });
  persistRecord(id);
  const file = await videoFile(id);
  if (active !== r) return;
  if (!file) {
    finish(r, {
      status: 'error',
      error: { code: 'interrupted', detail: 'the video was not kept by the browser (storage full?); drop the same file again to go on' },
    });
    return;
  }
  const send = (msg: ToVideoWorker) => worker.postMessage(msg);
  worker.onmessage = (ev: MessageEvent<FromVideoWorker>) => {
    r.chain = r.chain.then(() => handle(r, ev.data));
  };
  worker.onerror = (ev) =>
    finish(r, { status: 'error', error: { code: 'decode-failed', detail: ev.message || 'the video worker stopped (out of memory?)' } });
  const resumeAt = record.framesAnalysed ? record.analysedUntilS + 1e-3 : 0;
  send({
    type: 'start',
    file,
    spec: { inputSize: meta.input.size, range: meta.input.range },
    sampleFps: record.sampleFps,
    fromS: resumeAt,
    batch: VIDEO_BATCH,
  });
  for (let i = 0; i < CREDITS; i++) send({ type: 'credit' });
}

async function handle(r: Run, msg: FromVideoWorker): Promise<void> {
  if (active !== r) return;
  switch (msg.type) {
    case 'info': {
      const { type: _type, ...info } = msg;
      store().updateVideo(r.id, { info });
      persistRecord(r.id);
      break;
    }
    case 'batch': {
      let scores;
      const scoring = performance.now();
      try {
        scores = await scoreInputs(msg.inputs);
      } catch (e) {
        finish(r, { status: 'error', error: { code: 'decode-failed', detail: e instanceof Error ? e.message : String(e) } });
        return;
      }
      if (active !== r) return;
      const points: TimelinePoint[] = scores.map((s, i) => ({
        t: msg.times[i],
        probabilities: s.probabilities,
        ...(s.familiarity ? { unfamiliar: s.familiarity.unfamiliar } : {}),
      }));
      const inferenceMs = performance.now() - scoring;
      const prev = store().videos[r.id];
      const model = store().model;
      const storing = performance.now();
      store().appendVideoPoints(r.id, points, {
        framesAnalysed: prev.framesAnalysed + points.length,
        analysedUntilS: msg.times[msg.times.length - 1] ?? prev.analysedUntilS,
        modelKey: model.modelKey,
        backend: model.backend,
      });
      const st = r.stages;
      st.decode += msg.decodeMs;
      st.preprocess += msg.preprocessMs;
      st.inference += inferenceMs;
      st.ui += performance.now() - storing;
      st.frames += points.length;
      if (Date.now() - r.lastSaved > SAVE_POINTS_MS) {
        r.lastSaved = Date.now();
        persistRecord(r.id);
        persistPoints(r.id);
      }
      if (r.paused) r.owed++;
      else r.worker.postMessage({ type: 'credit' } satisfies ToVideoWorker);
      break;
    }
    case 'end':
      finish(r, { status: 'done', truncated: msg.truncatedAtS === undefined ? undefined : { atS: msg.truncatedAtS, detail: msg.detail } });
      break;
    case 'error':
      finish(r, { status: 'error', error: { code: msg.code, detail: msg.detail } });
      break;
  }
}

function finish(r: Run, patch: Partial<VideoRecord>): void {
  if (active !== r) return;
  r.worker.terminate();
  active = undefined;
  if (r.epoch === epoch && store().videos[r.id]) {
    const { frames, ...sums } = r.stages;
    const per = (ms: number) => ms / frames;
    const stageMs = frames
      ? { decode: per(sums.decode), preprocess: per(sums.preprocess), inference: per(sums.inference), ui: per(sums.ui), frames }
      : store().videos[r.id].stageMs;
    store().updateVideo(r.id, { ...patch, stageMs, runStartedAt: undefined });
    persistRecord(r.id);
    persistPoints(r.id);
  }
  pump();
}

export function pauseVideo(id: string): void {
  const v = store().videos[id];
  if (!v) return;
  if (active?.id === id) active.paused = true;
  if (v.status === 'running' || v.status === 'queued') {
    store().updateVideo(id, { status: 'paused' });
    persistRecord(id);
  }
}

/** Goes on from the last analysed frame: a paused run picks up where it waits; a cancelled, failed or reloaded one starts again from there. */
export function resumeVideo(id: string): void {
  const v = store().videos[id];
  if (!v) return;
  if (active?.id === id) {
    active.paused = false;
    for (; active.owed > 0; active.owed--) active.worker.postMessage({ type: 'credit' } satisfies ToVideoWorker);
    store().updateVideo(id, { status: 'running', runStartedAt: Date.now(), runStartS: v.analysedUntilS });
  } else {
    store().updateVideo(id, { status: 'queued', error: undefined });
    pump();
  }
  persistRecord(id);
}

export function cancelVideo(id: string): void {
  if (active?.id === id) finish(active, { status: 'cancelled' });
  else if (store().videos[id]?.status === 'queued' || store().videos[id]?.status === 'paused') {
    store().updateVideo(id, { status: 'cancelled' });
    persistRecord(id);
  }
}

/** Stops analysis and forgets every video (the session is being cleared; IndexedDB is cleared by the caller). */
export function clearVideos(): void {
  epoch++;
  if (active) {
    active.worker.terminate();
    active = undefined;
  }
  files.clear();
  store().removeAllVideos();
}
