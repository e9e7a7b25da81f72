/**
 * Session import, image re-attach, originals for export, and the report's pictures. Imports MERGE
 * into the current session (nothing the user has is removed): a frame id already present (the same
 * frame from the same export, imported again) is updated with the file's results and review.
 */
import { renderHeatmapDataUrl } from '../features/gradcam/render.ts';
import { makeThumbnail, mapLimit, rememberThumb, thumbUrl } from '../media/thumbnails.ts';
import { loadFiles, loadThumb, saveFiles, saveThumb } from '../persistence/db.ts';
import { blobToDataUrl, dataUrlToBytes } from '../features/session-export/encoding.ts';
import type { ImportedSession } from '../features/session-export/SessionTools.tsx';
import type { FrameResult } from '../features/session-export/types.ts';
import { useAppStore } from '../store/store.ts';
import { heatmapQueue } from './heatmaps.ts';
import { importedModelInfo, recordFromImport } from './session-records.ts';
import { flushPersistence } from './session.ts';
import { importVideos } from './video-import.ts';

const store = () => useAppStore.getState();

async function keepImage(id: string, file: Blob): Promise<boolean> {
  await saveFiles([{ id, file }]);
  const thumb = await makeThumbnail(file);
  if (!thumb) return false;
  rememberThumb(id, thumb);
  await saveThumb(id, thumb).catch(() => undefined);
  return true;
}

export async function importSession(session: ImportedSession): Promise<void> {
  const s = store();
  const active = s.model.modelKey ? s.modelInfos[s.model.modelKey] : undefined;
  const info = importedModelInfo(session.file.model, active);
  const now = Date.now();
  // Every record is checked before any is stored: a bad file changes nothing.
  const records = session.frames.map((f, i) => recordFromImport(f, info, session.images.has(f.id), now + i));
  const thumbs = new Set<string>();
  await mapLimit(records, 2, async (r) => {
    const image = session.images.get(r.id);
    if (image) {
      if (await keepImage(r.id, image)) thumbs.add(r.id);
      return;
    }
    const thumbnail = session.frames.find((f) => f.id === r.id)?.thumbnail;
    if (thumbnail) {
      const { bytes, mimeType } = dataUrlToBytes(thumbnail, `The thumbnail of "${r.fileName}"`);
      const blob = new Blob([bytes], { type: mimeType });
      rememberThumb(r.id, blob);
      await saveThumb(r.id, blob).catch(() => undefined);
      thumbs.add(r.id);
    }
  });
  for (const r of records) {
    r.hasThumb = thumbs.has(r.id);
    heatmapQueue.invalidate(r.id);
  }
  store().importFrames(records, info);
  await importVideos(session.videos);
  await flushPersistence();
}

export async function reattachImages(matches: { frameId: string; file: File }[]): Promise<void> {
  const done: string[] = [];
  const withThumb: string[] = [];
  await mapLimit(matches, 2, async (m) => {
    if (await keepImage(m.frameId, m.file)) withThumb.push(m.frameId);
    done.push(m.frameId);
  });
  store().markImagesAttached(done);
  store().setThumbs(withThumb);
  await flushPersistence();
}

export async function originalOf(frame: Pick<FrameResult, 'id'>): Promise<Blob | undefined> {
  const [file] = await loadFiles([frame.id]);
  return file;
}

async function thumbDataUrl(id: string): Promise<string | undefined> {
  const url = thumbUrl(id);
  const blob = url
    ? await fetch(url)
        .then((r) => r.blob())
        .catch(() => undefined)
    : await loadThumb(id).catch(() => undefined);
  return blob ? blobToDataUrl(blob) : undefined;
}

/** Frames the report prints a heatmap for (each costs one Grad-CAM when not computed yet). */
export const REPORT_HEATMAP_LIMIT = 60;

/**
 * The report's pictures: each frame's thumbnail, and its predicted-class heatmap drawn over it for
 * the first REPORT_HEATMAP_LIMIT frames that still have their image (computed now when needed).
 */
export async function reportPictures(
  frames: readonly FrameResult[],
  classIndexOf: (f: FrameResult) => number,
): Promise<{ frames: FrameResult[]; heatmaps: Record<string, string> }> {
  const out: FrameResult[] = [];
  const heatmaps: Record<string, string> = {};
  const s = store();
  let budget = REPORT_HEATMAP_LIMIT;
  for (const f of frames) {
    const thumbnail = await thumbDataUrl(f.id);
    out.push(thumbnail ? { ...f, thumbnail } : f);
    const classIndex = classIndexOf(f);
    if (!thumbnail || classIndex < 0 || s.frames[f.id]?.imageMissing || budget <= 0) continue;
    budget--;
    try {
      const map = await heatmapQueue.get(f.id, classIndex, 'background');
      heatmaps[f.id] = await renderHeatmapDataUrl(thumbnail, map, { opacity: 0.5, maxSide: 256 });
    } catch {
      // the report notes "—" for this frame's heatmap; the reason shows in the detail view
    }
  }
  return { frames: out, heatmaps };
}
