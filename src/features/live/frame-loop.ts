/**
 * The live view's frame loop: one frame in flight at a time. Every new camera frame is looked at;
 * while the model is busy with the previous one it is dropped, never queued, so the label always
 * describes a frame at most one inference old instead of falling further and further behind.
 */
import type { PixelImage } from '../../core/preprocess.ts';
import type { Scores } from '../../inference/protocol.ts';

/** Where frames come from (a <video> element in the app, a fake in tests). */
export interface FrameSource {
  /** Calls `cb` once, at the next frame, with its capture time (page clock); returns a cancel function. */
  nextFrame(cb: (capturedAt: number) => void): () => void;
  /** The current frame's pixels, or undefined while there is none yet. */
  read(): PixelImage | undefined;
}

export interface LiveResult {
  scores: Scores;
  capturedAt: number;
  /** Capture to result, in milliseconds, on the page's clock. */
  latencyMs: number;
  /** Where the latency went: capture to our callback, drawing and reading the pixels, the worker's round trip (preprocess + inference). */
  stages: { waitMs: number; readMs: number; scoreMs: number };
}

export interface LoopCallbacks {
  onResult(r: LiveResult): void;
  onError(e: unknown): void;
}

export class LiveLoop {
  private busy = false;
  private paused = false;
  private stopped = true;
  private cancel?: () => void;
  /** Frames seen while a previous one was still being classified. */
  dropped = 0;
  scored = 0;

  constructor(
    private readonly source: FrameSource,
    private readonly score: (pixels: PixelImage) => Promise<Scores>,
    private readonly callbacks: LoopCallbacks,
    private readonly now: () => number = () => performance.now(),
  ) {}

  start(): void {
    if (!this.stopped) return;
    this.stopped = false;
    this.watch();
  }

  /** Paused: frames are still watched but none is scored; a result already in flight still lands. */
  setPaused(paused: boolean): void {
    this.paused = paused;
  }

  /** No more frames, and a result still in flight is thrown away. */
  stop(): void {
    this.stopped = true;
    this.cancel?.();
    this.cancel = undefined;
  }

  get inFlight(): boolean {
    return this.busy;
  }

  private watch(): void {
    if (this.stopped) return;
    this.cancel = this.source.nextFrame((capturedAt) => this.onFrame(capturedAt));
  }

  private onFrame(capturedAt: number): void {
    this.watch();
    if (this.paused) return;
    if (this.busy) {
      this.dropped++;
      return;
    }
    const called = this.now();
    const pixels = this.source.read();
    if (!pixels) return;
    const read = this.now();
    this.busy = true;
    this.score(pixels)
      .then(
        (scores) => {
          this.scored++;
          const done = this.now();
          if (this.stopped) return;
          const stages = { waitMs: called - capturedAt, readMs: read - called, scoreMs: done - read };
          this.callbacks.onResult({ scores, capturedAt, latencyMs: done - capturedAt, stages });
        },
        (e: unknown) => {
          if (!this.stopped) this.callbacks.onError(e);
        },
      )
      .finally(() => {
        this.busy = false;
      });
  }
}
