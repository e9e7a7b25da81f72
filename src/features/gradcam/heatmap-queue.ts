/**
 * Lazy, one-at-a-time heatmap computation with a cache, so Grad-CAM never slows first results:
 * the app pauses the queue while a classification batch runs, asks for the map of the frame on
 * screen first (`get`), and prefetches the predicted-class maps of the rest when idle.
 */

export type HeatmapJobPriority = 'now' | 'background';

interface Job<T> {
  key: string;
  frameId: string;
  classIndex: number;
  priority: HeatmapJobPriority;
  promise: Promise<T>;
  resolve: (v: T) => void;
  reject: (e: unknown) => void;
}

export class HeatmapQueue<T> {
  private readonly cache = new Map<string, T>();
  private readonly pending = new Map<string, Job<T>>();
  private queue: Job<T>[] = [];
  private running = false;
  private paused = false;
  private generation = 0;

  constructor(
    private readonly compute: (frameId: string, classIndex: number) => Promise<T>,
    private readonly maxEntries = 200,
  ) {}

  private static key(frameId: string, classIndex: number): string {
    return `${classIndex}\u0000${frameId}`;
  }

  /** A computed map, without starting any work. */
  peek(frameId: string, classIndex: number): T | undefined {
    return this.cache.get(HeatmapQueue.key(frameId, classIndex));
  }

  /** The map, computed once and cached; 'now' jumps ahead of background work. */
  get(frameId: string, classIndex: number, priority: HeatmapJobPriority = 'now'): Promise<T> {
    const key = HeatmapQueue.key(frameId, classIndex);
    const hit = this.cache.get(key);
    if (hit !== undefined) {
      this.cache.delete(key); // refresh its place in the LRU order
      this.cache.set(key, hit);
      return Promise.resolve(hit);
    }
    const existing = this.pending.get(key);
    if (existing) {
      if (priority === 'now' && existing.priority === 'background') {
        existing.priority = 'now';
        this.queue = [existing, ...this.queue.filter((j) => j !== existing)];
      }
      return existing.promise;
    }
    let resolve!: (v: T) => void;
    let reject!: (e: unknown) => void;
    const promise = new Promise<T>((res, rej) => {
      resolve = res;
      reject = rej;
    });
    const job: Job<T> = { key, frameId, classIndex, priority, promise, resolve, reject };
    this.pending.set(key, job);
    if (priority === 'now') {
      const firstBackground = this.queue.findIndex((j) => j.priority === 'background');
      if (firstBackground < 0) this.queue.push(job);
      else this.queue.splice(firstBackground, 0, job);
    } else {
      this.queue.push(job);
    }
    void this.pump();
    return promise;
  }

  /** Queues background maps (e.g. every frame's predicted class after a batch). */
  prefetch(keys: readonly { frameId: string; classIndex: number }[]): void {
    for (const k of keys) this.get(k.frameId, k.classIndex, 'background').catch(() => undefined);
  }

  /** Stops starting new work (the job in progress finishes). */
  pause(): void {
    this.paused = true;
  }

  resume(): void {
    this.paused = false;
    void this.pump();
  }

  /** Drops cached and queued maps (all, or one frame's): e.g. when another model is loaded. */
  invalidate(frameId?: string): void {
    const match = (k: string) => frameId === undefined || k.endsWith(`\u0000${frameId}`);
    for (const k of [...this.cache.keys()]) if (match(k)) this.cache.delete(k);
    const dropped = this.queue.filter((j) => match(j.key));
    this.queue = this.queue.filter((j) => !match(j.key));
    for (const j of dropped) {
      this.pending.delete(j.key);
      j.reject(new Error('Heatmap request cancelled: the model or frame changed.'));
    }
    if (frameId === undefined) this.generation++; // a result still being computed is for the old model
  }

  get size(): number {
    return this.cache.size;
  }

  private async pump(): Promise<void> {
    if (this.running) return;
    this.running = true;
    try {
      while (!this.paused && this.queue.length) {
        const job = this.queue.shift() as Job<T>;
        const generation = this.generation;
        try {
          const value = await this.compute(job.frameId, job.classIndex);
          if (generation === this.generation) {
            this.cache.set(job.key, value);
            while (this.cache.size > this.maxEntries) this.cache.delete(this.cache.keys().next().value as string);
          }
          job.resolve(value);
        } catch (e) {
          job.reject(e);
        } finally {
          this.pending.delete(job.key);
        }
      }
    } finally {
      this.running = false;
    }
  }
}
