/**
 * A session file's videos merged into the session: a video not here is added (record and timeline,
 * without its file: the card asks for the same file to be dropped again to play it), a video with the
 * same id is updated, unless it is being analysed here right now (its own run is newer). Kept in
 * IndexedDB under the keys video-session.ts reads at start.
 */
import type { TimelinePoint } from '../domain/video-segments.ts';
import type { VideoResult } from '../features/session-export/video-results.ts';
import { saveVideoIndex, saveVideoPoints, saveVideoRecord } from '../persistence/db.ts';
import { packPoints } from '../persistence/video-points.ts';
import { useAppStore } from '../store/store.ts';
import type { ModelInfo } from '../store/types.ts';
import type { VideoRecord } from '../store/videos-slice.ts';
import { importedModelInfo } from './session-records.ts';
import { isBusy, videoRecordFromImport } from './video-records.ts';

const store = () => useAppStore.getState();

/** Returns the ids of the videos left as they were (being analysed here). */
export async function importVideos(videos: readonly VideoResult[]): Promise<string[]> {
  if (!videos.length) return [];
  const s = store();
  const active = s.model.modelKey ? s.modelInfos[s.model.modelKey] : undefined;
  const now = Date.now();
  const records: VideoRecord[] = [];
  const points: Record<string, TimelinePoint[]> = {};
  const infos = new Map<string, ModelInfo>();
  const skipped: string[] = [];
  videos.forEach((v, i) => {
    const existing = s.videos[v.id];
    if (isBusy(existing)) {
      skipped.push(v.id);
      return;
    }
    const info = importedModelInfo(v.model, active);
    infos.set(info.modelKey, info);
    records.push(videoRecordFromImport(v, info, existing, now + i));
    points[v.id] = [...v.points];
  });
  // The store files a model under its key once something refers to it; an import with no frames does just that.
  for (const info of infos.values()) store().importFrames([], info);
  store().addVideos(records, points);
  try {
    await saveVideoIndex(store().videoOrder);
    for (const r of records) {
      await saveVideoRecord(r);
      const classes = infos.get(r.modelKey ?? '')?.classes.length;
      if (classes) await saveVideoPoints(r.id, packPoints(points[r.id], classes));
    }
  } catch (e) {
    // The session goes on in memory (a full quota is reported by persistence); export it to keep it.
    console.error('Could not save the imported videos', e);
  }
  return skipped;
}
