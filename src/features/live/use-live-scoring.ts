/**
 * Runs the frame loop on the live view's video while the camera is live and the model is ready, and
 * keeps what the overlay shows: the latest result, the last latencies and the strip's history.
 */
import { useCallback, useEffect, useRef, useState, type RefObject } from 'react';
import type { PixelImage } from '../../core/preprocess.ts';
import type { Scores } from '../../inference/protocol.ts';
import { LiveLoop, type LiveResult } from './frame-loop.ts';
import { pushHistory, type HistoryPoint } from './history.ts';
import { pushLatency } from './latency.ts';
import { videoFrameSource } from './video-source.ts';

export interface LiveReadings {
  latest?: LiveResult;
  latencies: number[];
  history: HistoryPoint[];
  /** Frames scored and frames dropped (seen while the previous one was still being classified) since Start. */
  scored: number;
  dropped: number;
  /** The last scoring failure's message, cleared by the next result. */
  error?: string;
}

const EMPTY: LiveReadings = { latencies: [], history: [], scored: 0, dropped: 0 };

export function useLiveScoring(opts: {
  video: RefObject<HTMLVideoElement | null>;
  stream: MediaStream | undefined;
  enabled: boolean;
  paused: boolean;
  score: (pixels: PixelImage) => Promise<Scores>;
}): { readings: LiveReadings; reset: () => void } {
  const { video, stream, enabled, paused, score } = opts;
  const [readings, setReadings] = useState<LiveReadings>(EMPTY);
  const loopRef = useRef<LiveLoop | undefined>(undefined);
  const pausedRef = useRef(paused);

  useEffect(() => {
    const v = video.current;
    if (!stream || !enabled || !v) return;
    // The frames' pixels are read back from a canvas of their own, never shown.
    const loop = new LiveLoop(videoFrameSource(v, document.createElement('canvas')), score, {
      onResult: (r) => {
        const dropped = loop.dropped;
        setReadings((prev) => ({
          latest: r,
          scored: prev.scored + 1,
          dropped,
          latencies: pushLatency(prev.latencies, r.latencyMs),
          history: pushHistory(prev.history, {
            t: r.capturedAt,
            probabilities: r.scores.probabilities,
            unfamiliar: r.scores.familiarity?.unfamiliar ?? false,
          }),
        }));
      },
      onError: (e) => setReadings((prev) => ({ ...prev, error: e instanceof Error ? e.message : String(e) })),
    });
    loop.setPaused(pausedRef.current);
    loop.start();
    loopRef.current = loop;
    return () => {
      loop.stop();
      loopRef.current = undefined;
    };
  }, [video, stream, enabled, score]);

  useEffect(() => {
    pausedRef.current = paused;
    loopRef.current?.setPaused(paused);
  }, [paused]);

  const reset = useCallback(() => setReadings(EMPTY), []);
  return { readings, reset };
}
