/**
 * Head-only teaching on cached features (issue 13's target: <= 10 s for 1000 frames), in Node on
 * the wasm backend (the app's default): 1000 synthetic 1280-d pooled-feature vectors (non-negative,
 * 3 classes around random centres, as GAP after ReLU6 gives), 800 trained / 200 held out, the
 * default recipe (Adam 1e-3, batch 32, early stopping). Not yet a section of `npm run bench`.
 *
 *   node --import tsx bench/teach-head.ts [--backend wasm|cpu] [--frames 1000] [--max-epochs 60]
 */
import * as tf from '@tensorflow/tfjs';
import '@tensorflow/tfjs-backend-wasm';
import { parseArgs } from 'node:util';
import { mulberry32 } from '../src/core/rng.ts';
import { trainHead, type FeatureSet } from '../src/teach/head-trainer.ts';

const { values } = parseArgs({
  options: {
    backend: { type: 'string', default: 'wasm' },
    frames: { type: 'string', default: '1000' },
    'max-epochs': { type: 'string', default: '60' },
  },
});
const DIM = 1280;
const K = 3;

function features(n: number, seed: number, centres: Float32Array[]): FeatureSet {
  const rng = mulberry32(seed);
  const out = new Float32Array(n * DIM);
  const labels = Int32Array.from({ length: n }, (_, i) => i % K);
  for (let i = 0; i < n; i++)
    for (let j = 0; j < DIM; j++) out[i * DIM + j] = Math.min(6, Math.max(0, centres[labels[i]][j] + (rng() - 0.5) * 3));
  return { features: out, labels };
}

await tf.setBackend(values.backend);
await tf.ready();
const n = Number(values.frames);
const rng = mulberry32(1);
const centres = Array.from({ length: K }, () => Float32Array.from({ length: DIM }, () => rng() * 1.5));
const train = features(Math.round(n * 0.8), 2, centres);
const heldOut = features(n - Math.round(n * 0.8), 3, centres);
const epochMs: number[] = [];
let last = 0;
const r = await trainHead(train, heldOut, {
  inputDim: DIM,
  numClasses: K,
  seed: 42,
  maxEpochs: Number(values['max-epochs']),
  onEpoch: (p) => {
    epochMs.push(p.elapsedMs - last);
    last = p.elapsedMs;
  },
});
const sorted = [...epochMs].sort((a, b) => a - b);
const best = r.history[r.bestEpoch - 1];
console.log(
  `backend ${tf.getBackend()}: ${n} frames (${train.labels.length} train / ${heldOut.labels.length} held out), ` +
    `${r.history.length} epochs (best ${r.bestEpoch}, stopped early: ${r.stoppedEarly}), total ${(r.wallMs / 1000).toFixed(2)} s, ` +
    `epoch median ${sorted[Math.floor(sorted.length / 2)].toFixed(0)} ms (first ${epochMs[0].toFixed(0)} ms), ` +
    `held-out accuracy ${best.heldOutAccuracy.toFixed(3)}, loss ${best.heldOutLoss.toFixed(4)}`,
);
