/**
 * The page's handle on one teaching run: starts a teach worker, forwards its messages, cancels it,
 * and ends the worker when the run is over (its tfjs and model are freed with it).
 */
import type { FromTeachWorker, TeachRequest, ToTeachWorker } from './teach-protocol.ts';

export class TeachRun {
  private readonly worker: Worker;
  private over = false;

  constructor(request: TeachRequest, onMessage: (msg: FromTeachWorker) => void) {
    this.worker = new Worker(new URL('./teach-worker.ts', import.meta.url), { type: 'module', name: 'endolens-teach' });
    this.worker.onmessage = (ev: MessageEvent<FromTeachWorker>) => {
      const msg = ev.data;
      if (msg.type === 'done' || msg.type === 'error' || msg.type === 'cancelled') this.end();
      onMessage(msg);
    };
    this.worker.onerror = (ev) => {
      if (this.over) return;
      this.end();
      onMessage({ type: 'error', code: 'internal', message: `The teach worker failed: ${ev.message || 'its script could not be loaded'}` });
    };
    this.send({ type: 'start', request });
  }

  get running(): boolean {
    return !this.over;
  }

  cancel(): void {
    if (!this.over) this.send({ type: 'cancel' });
  }

  private send(msg: ToTeachWorker): void {
    this.worker.postMessage(msg);
  }

  private end(): void {
    this.over = true;
    // After this turn: the last message is still being delivered.
    setTimeout(() => this.worker.terminate(), 0);
  }
}
