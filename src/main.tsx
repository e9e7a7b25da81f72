/**
 * Entry point. The inference worker starts first: its bundle (tfjs, ~2 MB) loads and its WASM compiles
 * on another core while the page's own code (React, charts, the saved session) loads here, instead of
 * after it (issue 11, first visit). A page about to reload for cross-origin isolation starts it later.
 */
import { EMBEDDED_MODEL_URL } from './inference/embedded-model.ts';
import { startInferenceWorker } from './inference/worker-start.ts';

if (window.crossOriginIsolated) startInferenceWorker(EMBEDDED_MODEL_URL);
void import('./boot.tsx');
