/**
 * The page's handle on the inference worker: promise-based model loading, fire-and-forget frame
 * jobs with result callbacks, cancel.
 */
import type { PixelImage } from '../core/preprocess.ts';
import type { BackendRequest, ClassifyJob, FrameOutcome, FromWorker, ModelSource, Scores, ToWorker } from './protocol.ts';
import { takeInferenceWorker } from './worker-start.ts';

export type GradCamOutput = Omit<Extract<FromWorker, { type: 'gradcam-result'; ok: true }>, 'type' | 'requestId' | 'ok'>;
export type LoadedModel = Extract<FromWorker, { type: 'loaded' }>;
export type LoadFailure = Extract<FromWorker, { type: 'load-error' }>;
export type BackendUpdate = Extract<FromWorker, { type: 'backend' }>;

export interface ClientEvents {
  onResults(outcomes: FrameOutcome[], numTensors: number): void;
  onIdle(numTensors: number, cancelledIds: string[]): void;
  /** The background backend choice moved on (src/inference/background-choice.ts). */
  onBackend(update: BackendUpdate): void;
  /** The model loaded, then could not run (its warm-up failed after "loaded"): it is gone. */
  onModelFailed(failure: LoadFailure): void;
}

export class InferenceClient {
  private readonly worker: Worker;
  private pendingLoad: { resolve(v: LoadedModel | LoadFailure): void } | undefined;
  private nextRequest = 1;
  private readonly gradCams = new Map<number, { resolve(r: GradCamOutput): void; reject(e: Error): void }>();
  private readonly scoring = new Map<number, { resolve(r: Scores[]): void; reject(e: Error): void }>();

  constructor(private readonly events: ClientEvents) {
    this.worker = takeInferenceWorker();
    this.worker.onmessage = (ev: MessageEvent<FromWorker>) => this.handle(ev.data);
    this.worker.onerror = (ev) => {
      this.pendingLoad?.resolve({
        type: 'load-error',
        kind: 'backend',
        message: `The inference worker failed: ${ev.message || 'its script could not be loaded'}`,
      });
      this.pendingLoad = undefined;
    };
  }

  private handle(msg: FromWorker): void {
    switch (msg.type) {
      case 'loaded':
      case 'load-error':
        if (msg.type === 'load-error' && !this.pendingLoad) this.events.onModelFailed(msg);
        this.pendingLoad?.resolve(msg);
        this.pendingLoad = undefined;
        break;
      case 'results':
        this.events.onResults(msg.outcomes, msg.numTensors);
        break;
      case 'idle':
        this.events.onIdle(msg.numTensors, msg.cancelledIds);
        break;
      case 'backend':
        this.events.onBackend(msg);
        break;
      case 'memory':
        break;
      case 'scores': {
        const waiting = this.scoring.get(msg.requestId);
        this.scoring.delete(msg.requestId);
        if (msg.ok) waiting?.resolve(msg.scores);
        else waiting?.reject(new Error(msg.message));
        break;
      }
      case 'gradcam-result': {
        const waiting = this.gradCams.get(msg.requestId);
        this.gradCams.delete(msg.requestId);
        if (!waiting) break;
        if (msg.ok)
          waiting.resolve({ heatmap: msg.heatmap, width: msg.width, height: msg.height, layerName: msg.layerName, score: msg.score });
        else waiting.reject(new Error(msg.message));
        break;
      }
    }
  }

  private send(msg: ToWorker, transfer: Transferable[] = []): void {
    this.worker.postMessage(msg, transfer);
  }

  private scores(msg: (requestId: number) => ToWorker, transfer: Transferable[]): Promise<Scores[]> {
    const requestId = this.nextRequest++;
    return new Promise((resolve, reject) => {
      this.scoring.set(requestId, { resolve, reject });
      this.send(msg(requestId), transfer);
    });
  }

  /** Scores model inputs preprocessed elsewhere (a video worker); their buffers move to the worker. */
  classifyInputs(inputs: Float32Array[]): Promise<Scores[]> {
    return this.scores(
      (requestId) => ({ type: 'classify-inputs', requestId, inputs }),
      inputs.map((x) => x.buffer as ArrayBuffer),
    );
  }

  /** Preprocesses decoded pixels (src/core/preprocess.ts) in the worker and scores them; the buffer moves there. */
  classifyPixels(pixels: PixelImage): Promise<Scores> {
    return this.scores((requestId) => ({ type: 'classify-pixels', requestId, pixels }), [pixels.data.buffer as ArrayBuffer]).then(
      (s) => s[0],
    );
  }

  /** Resolves with the loaded model or the reason it failed; never rejects. */
  load(source: ModelSource, backend: BackendRequest): Promise<LoadedModel | LoadFailure> {
    this.pendingLoad?.resolve({ type: 'load-error', kind: 'backend', message: 'superseded by another model load' });
    return new Promise((resolve) => {
      this.pendingLoad = { resolve };
      this.send({ type: 'load', source, backend });
    });
  }

  classify(jobs: ClassifyJob[]): void {
    if (jobs.length) this.send({ type: 'classify', jobs });
  }

  /** Grad-CAM of a frame (its original file) for one class, computed in the worker with the loaded model. */
  gradCam(file: Blob, classIndex: number): Promise<GradCamOutput> {
    const requestId = this.nextRequest++;
    return new Promise((resolve, reject) => {
      this.gradCams.set(requestId, { resolve, reject });
      this.send({ type: 'gradcam', requestId, file, classIndex });
    });
  }

  cancel(): void {
    this.send({ type: 'cancel' });
  }

  terminate(): void {
    this.worker.terminate();
  }
}
