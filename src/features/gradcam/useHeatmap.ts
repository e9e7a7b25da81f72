import { useEffect, useState } from 'react';
import type { HeatmapQueue } from './heatmap-queue.ts';

export interface HeatmapState<T> {
  status: 'idle' | 'computing' | 'ready' | 'error';
  map: T | null;
  error?: string;
}

/** The map for one frame and class from the queue, with its status for GradCamView. */
export function useHeatmap<T>(queue: HeatmapQueue<T> | null, frameId: string | null, classIndex: number, enabled = true): HeatmapState<T> {
  const [state, setState] = useState<HeatmapState<T>>({ status: 'idle', map: null });
  useEffect(() => {
    if (!queue || frameId === null || !enabled || classIndex < 0) {
      setState({ status: 'idle', map: null });
      return;
    }
    const cached = queue.peek(frameId, classIndex);
    if (cached !== undefined) {
      setState({ status: 'ready', map: cached });
      return;
    }
    let live = true;
    setState({ status: 'computing', map: null });
    queue.get(frameId, classIndex, 'now').then(
      (map) => live && setState({ status: 'ready', map }),
      (e: unknown) => live && setState({ status: 'error', map: null, error: e instanceof Error ? e.message : String(e) }),
    );
    return () => {
      live = false;
    };
  }, [queue, frameId, classIndex, enabled]);
  return state;
}
