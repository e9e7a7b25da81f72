/**
 * The inference worker, created once: early by the entry point (src/main.tsx) so that it loads beside
 * the page, then handed to the InferenceClient that talks to it. Small on purpose: the entry imports it.
 *
 * The start hint: after each load the page notes whether it ended on the embedded model on WASM (what
 * every first visit does). When it did, or nothing is noted yet, the early worker builds that model
 * before the page asks for it; a page that loads a custom model or a GPU backend does not pay for it.
 */
import type { ToWorker } from './protocol.ts';

let started: Worker | undefined;
const START_HINT = 'endolens-start-hint';

function createInferenceWorker(): Worker {
  return new Worker(new URL('./worker.ts', import.meta.url), { type: 'module', name: 'endolens-inference' });
}

export function startInferenceWorker(embeddedModelUrl: string): void {
  if (started) return;
  started = createInferenceWorker();
  if (readStartHint() !== 'other') started.postMessage({ type: 'prebuild-embedded', baseUrl: embeddedModelUrl } satisfies ToWorker);
}

function readStartHint(): string | null {
  try {
    return localStorage.getItem(START_HINT);
  } catch {
    return null; // storage blocked: treat as a first visit
  }
}

/** What the next start should expect: the embedded model on WASM, or something else (a custom model, a GPU). */
export function rememberStartHint(embeddedOnWasm: boolean): void {
  try {
    localStorage.setItem(START_HINT, embeddedOnWasm ? 'embedded-wasm' : 'other');
  } catch {
    // storage blocked: every start prebuilds, as a first visit does
  }
}

/** The worker started early, or a new one; each call after the first gets a new worker. */
export function takeInferenceWorker(): Worker {
  const worker = started ?? createInferenceWorker();
  started = undefined;
  return worker;
}
