/**
 * Head-only teaching on cached features (issue 13's target: <= 10 s for 1000 frames), in Node on
 * the wasm backend (the app's default): 1000 synthetic 1280-d pooled-feature vectors (non-negative,
 * 3 classes around random centres, as GAP after ReLU6 gives), 800 trained / 200 held out, the
 * default recipe (Adam 1e-3, batch 32, early stopping). The `teach` section of `npm run bench`
 * (bench/run.ts), or on its own:
 *
 *   node --import tsx bench/teach-head.ts [--backend wasm|cpu] [--frames 1000] [--max-epochs 60]
 */
import * as tf from '@tensorflow/tfjs';
import '@tensorflow/tfjs-backend-wasm';
import { parseArgs } from 'node:util';
import { pathToFileURL } from 'node:url';
import { mulberry32 } from '../src/core/rng.ts';
import { trainHead, type FeatureSet } from '../src/teach/head-trainer.ts';
import type { FineTuneRow } from './teach-finetune.ts';

const DIM = 1280;
const K = 3;
/** Issue 13's target for head-only teaching on 1000 frames. */
export const TEACH_TARGET_S = 10;

export interface TeachRow {
  backend: string;
  frames: number;
  train: number;
  heldOut: number;
  epochs: number;
  bestEpoch: number;
  stoppedEarly: boolean;
  wallS: number;
  epochMedianMs: number;
  firstEpochMs: number;
  heldOutAccuracy: number;
  heldOutLoss: number;
  targetS: number;
  /** The optional second step (bench/teach-finetune.ts), where the bench ran it. */
  fineTune?: FineTuneRow;
}

function features(n: number, seed: number, centres: Float32Array[]): FeatureSet {
  const rng = mulberry32(seed);
  const out = new Float32Array(n * DIM);
  const labels = Int32Array.from({ length: n }, (_, i) => i % K);
  for (let i = 0; i < n; i++)
    for (let j = 0; j < DIM; j++) out[i * DIM + j] = Math.min(6, Math.max(0, centres[labels[i]][j] + (rng() - 0.5) * 3));
  return { features: out, labels };
}

/** One seeded head-only run; the features are made before the clock starts (they stand for cached ones). */
export async function runTeachHeadBench(opts: { backend?: string; frames?: number; maxEpochs?: number } = {}): Promise<TeachRow> {
  await tf.setBackend(opts.backend ?? 'wasm');
  await tf.ready();
  const n = opts.frames ?? 1000;
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
    maxEpochs: opts.maxEpochs ?? 60,
    onEpoch: (p) => {
      epochMs.push(p.elapsedMs - last);
      last = p.elapsedMs;
    },
  });
  const sorted = [...epochMs].sort((a, b) => a - b);
  return {
    backend: tf.getBackend(),
    frames: n,
    train: train.labels.length,
    heldOut: heldOut.labels.length,
    epochs: r.history.length,
    bestEpoch: r.bestEpoch,
    stoppedEarly: r.stoppedEarly,
    wallS: r.wallMs / 1000,
    epochMedianMs: sorted[Math.floor(sorted.length / 2)],
    firstEpochMs: epochMs[0],
    heldOutAccuracy: r.history[r.bestEpoch - 1].heldOutAccuracy,
    heldOutLoss: r.history[r.bestEpoch - 1].heldOutLoss,
    targetS: TEACH_TARGET_S,
  };
}

// Run directly (not imported by bench/run.ts): parse the flags and print one line, as before.
if (process.argv[1] && import.meta.url === pathToFileURL(process.argv[1]).href) {
  const { values } = parseArgs({
    options: {
      backend: { type: 'string', default: 'wasm' },
      frames: { type: 'string', default: '1000' },
      'max-epochs': { type: 'string', default: '60' },
    },
  });
  const r = await runTeachHeadBench({ backend: values.backend, frames: Number(values.frames), maxEpochs: Number(values['max-epochs']) });
  console.log(
    `backend ${r.backend}: ${r.frames} frames (${r.train} train / ${r.heldOut} held out), ` +
      `${r.epochs} epochs (best ${r.bestEpoch}, stopped early: ${r.stoppedEarly}), total ${r.wallS.toFixed(2)} s (target <= ${r.targetS} s), ` +
      `epoch median ${r.epochMedianMs.toFixed(0)} ms (first ${r.firstEpochMs.toFixed(0)} ms), ` +
      `held-out accuracy ${r.heldOutAccuracy.toFixed(3)}, loss ${r.heldOutLoss.toFixed(4)}`,
  );
}
