/**
 * The inference worker, created once: early by the entry point (src/main.tsx) so that it loads beside
 * the page, then handed to the InferenceClient that talks to it. Small on purpose: the entry imports it.
 */
let started: Worker | undefined;

function createInferenceWorker(): Worker {
  return new Worker(new URL('./worker.ts', import.meta.url), { type: 'module', name: 'endolens-inference' });
}

export function startInferenceWorker(): void {
  started ??= createInferenceWorker();
}

/** The worker started early, or a new one; each call after the first gets a new worker. */
export function takeInferenceWorker(): Worker {
  const worker = started ?? createInferenceWorker();
  started = undefined;
  return worker;
}
