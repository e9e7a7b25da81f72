/**
 * The one Grad-CAM queue of the app: maps are computed in the inference worker (where the model is)
 * one at a time, only when asked for (frame detail view, report), never while a classification
 * batch runs (the queue is paused then), and forgotten when another model loads.
 */
import type { GradCamOutput } from '../inference/client.ts';
import { HeatmapQueue } from '../features/gradcam/heatmap-queue.ts';
import { useAppStore } from '../store/store.ts';
import { computeGradCam } from './session.ts';

export type HeatmapMap = GradCamOutput;

export const heatmapQueue = new HeatmapQueue<GradCamOutput>((frameId, classIndex) => computeGradCam(frameId, classIndex));

let started = false;

/** Binds the queue to the store: pause during batches, invalidate on a model change. Idempotent. */
export function bindHeatmapQueue(): void {
  if (started) return;
  started = true;
  const initial = useAppStore.getState();
  if (initial.progress.running) heatmapQueue.pause();
  useAppStore.subscribe((s, prev) => {
    if (s.progress.running !== prev.progress.running) {
      if (s.progress.running) heatmapQueue.pause();
      else heatmapQueue.resume();
    }
    if (s.model.modelKey !== prev.model.modelKey || s.model.backend !== prev.model.backend) heatmapQueue.invalidate();
  });
}
