/**
 * Spreads frame decoding + preprocessing over helper workers (one fewer than the cores, at most 3),
 * or does it in place when the machine has no core to spare or workers cannot start. With
 * `shareInPlace` the calling worker also prepares a share itself: the inference worker, whose model
 * takes a fraction of what preparing a full-size frame does, would otherwise wait on its helper.
 */
import type { PreprocessSpec } from '../core/preprocess.ts';
import { FrameError } from './decode.ts';
import { prepareFrame, type PreparedFrame } from './prepare.ts';
import type { FrameErrorCode } from './protocol.ts';

export interface PrepRequest {
  id: number;
  file: Blob;
  spec: PreprocessSpec;
  /** Also make the card's thumbnail from the same decode, this wide. */
  thumbnailWidth?: number;
}

export type PrepResponse = ({ id: number; ok: true } & PreparedFrame) | { id: number; ok: false; code: FrameErrorCode; detail?: string };

interface Helper {
  worker: Worker;
  pending: number;
}

export const MAX_HELPERS = 3;

/**
 * With a share in place, a frame stays in the calling worker when the least busy helper already holds
 * IN_PLACE_WEIGHT times as many as the caller: a batch of 8 on a 2-core machine goes 6 to the helper,
 * 2 in place (the caller also runs the model: ~12 ms a frame against ~40 to prepare one, issue 11).
 */
export const IN_PLACE_WEIGHT = 2;

export function prepareInPlace(inPlacePending: number, leastHelperPending: number): boolean {
  return (inPlacePending + 1) * IN_PLACE_WEIGHT <= leastHelperPending;
}

export function helperCount(cores: number | undefined): number {
  return Math.max(0, Math.min(MAX_HELPERS, (cores ?? 1) - 1));
}

export interface PrepPoolOptions {
  /** Helper workers to start; default: helperCount(the machine's cores). */
  helpers?: number;
  /** The calling worker prepares a share of the frames itself (see IN_PLACE_WEIGHT). */
  shareInPlace?: boolean;
}

export class PrepPool {
  private helpers: Helper[] = [];
  private nextId = 1;
  private readonly waiting = new Map<number, { resolve(p: PreparedFrame): void; reject(e: Error): void; helper: Helper }>();
  private inPlacePending = 0;
  private readonly shareInPlace: boolean;

  constructor({
    helpers: count = helperCount(typeof navigator === 'undefined' ? 1 : navigator.hardwareConcurrency),
    shareInPlace = false,
  }: PrepPoolOptions = {}) {
    this.shareInPlace = shareInPlace;
    for (let i = 0; i < count; i++) {
      try {
        const worker = new Worker(new URL('./prep-worker.ts', import.meta.url), { type: 'module', name: `endolens-prep-${i}` });
        const helper: Helper = { worker, pending: 0 };
        worker.onmessage = (ev: MessageEvent<PrepResponse>) => this.settle(ev.data);
        worker.onerror = () => this.retire(helper);
        this.helpers.push(helper);
      } catch {
        break; // nested workers unavailable: prepare in place
      }
    }
  }

  get size(): number {
    return this.helpers.length;
  }

  private settle(msg: PrepResponse): void {
    const w = this.waiting.get(msg.id);
    if (!w) return;
    this.waiting.delete(msg.id);
    w.helper.pending--;
    if (msg.ok) {
      const { id: _id, ok: _ok, ...frame } = msg;
      w.resolve(frame);
    } else w.reject(new FrameError(msg.code, msg.detail));
  }

  /** A helper that crashed: its frames fail with a message, later frames go elsewhere. */
  private retire(helper: Helper): void {
    this.helpers = this.helpers.filter((h) => h !== helper);
    helper.worker.terminate();
    for (const [id, w] of this.waiting) {
      if (w.helper !== helper) continue;
      this.waiting.delete(id);
      w.reject(new FrameError('decode-failed', 'the decoding worker stopped (out of memory?)'));
    }
  }

  prepare(file: Blob, spec: PreprocessSpec, thumbnailWidth?: number): Promise<PreparedFrame> {
    if (!this.helpers.length) return prepareFrame(file, spec, undefined, thumbnailWidth);
    const helper = this.helpers.reduce((a, b) => (b.pending < a.pending ? b : a));
    if (this.shareInPlace && prepareInPlace(this.inPlacePending, helper.pending)) {
      this.inPlacePending++;
      return prepareFrame(file, spec, undefined, thumbnailWidth).finally(() => this.inPlacePending--);
    }
    const id = this.nextId++;
    helper.pending++;
    return new Promise((resolve, reject) => {
      this.waiting.set(id, { resolve, reject, helper });
      const req: PrepRequest = { id, file, spec, thumbnailWidth };
      helper.worker.postMessage(req);
    });
  }
}
