/**
 * Head-only teaching (issue 13, src/teach/head-trainer.ts) on real frames: the pooled features of a
 * dataset's train split, computed once with a model's own backbone (standing for the features the app
 * caches while it classifies), a new head trained on them with the Teach defaults, and the result on
 * the test split beside the model's own head on the same frames. Answers what the synthetic
 * `npm run bench -- --sections teach` cannot: time and epochs on real features.
 *
 *   node --import tsx training/scripts/teach-head-real.ts --model public/model --data ../shared/data/gi-proxy
 */
import * as tf from '@tensorflow/tfjs';
import { readFile } from 'node:fs/promises';
import { join } from 'node:path';
import { parseArgs } from 'node:util';
import { HEAD_LAYERS } from '../../src/core/head.ts';
import { validateMetadata } from '../../src/core/metadata.ts';
import { computeMetrics } from '../../src/core/metrics.ts';
import { trainHead } from '../../src/teach/head-trainer.ts';
import { initBackend } from '../src/backend.ts';
import { loadDataset, type SplitData } from '../src/data/index.ts';
import { loadExportedModel } from '../src/export/io.ts';
import { batchRanges, identityOrder, imageBatch } from '../src/schedule/batches.ts';

const { values: args } = parseArgs({
  options: {
    model: { type: 'string', default: 'public/model' },
    data: { type: 'string' },
    seed: { type: 'string', default: '42' },
  },
});
if (!args.data) throw new Error('--data is required (a dataset folder with train/ and test/)');
await initBackend('wasm');
const meta = validateMetadata(JSON.parse(await readFile(join(args.model, 'metadata.json'), 'utf8')));
const data = await loadDataset(args.data, { inputSize: meta.input.size });
const model = await loadExportedModel(args.model);
const pooled = tf.model({ inputs: model.inputs, outputs: model.getLayer(HEAD_LAYERS.pooling).output });
const dim = pooled.outputs[0].shape[1] ?? 0;

/** Every frame of a split through the backbone (features) and the whole model (its own probabilities). */
async function run(split: SplitData): Promise<{ features: Float32Array; probs: Float32Array; ms: number }> {
  const k = data.classNames.length;
  const features = new Float32Array(split.count * dim);
  const probs = new Float32Array(split.count * k);
  const started = performance.now();
  for (const idx of batchRanges(identityOrder(split.count), 32)) {
    const [f, p] = tf.tidy(() => {
      const x = imageBatch(split, idx, meta.input.size, meta.input.range);
      return [pooled.predict(x) as tf.Tensor, model.predict(x) as tf.Tensor];
    });
    features.set(await f.data(), idx[0] * dim);
    probs.set(await p.data(), idx[0] * k);
    tf.dispose([f, p]);
  }
  return { features, probs, ms: performance.now() - started };
}

const train = await run(data.train);
const test = await run(data.test);
const result = await trainHead(
  { features: train.features, labels: data.train.labels },
  { features: test.features, labels: data.test.labels },
  { inputDim: dim, numClasses: data.classNames.length, seed: Number(args.seed) },
);
const taught = computeMetrics(data.test.labels, result.heldOutProbs, data.classNames);
const own = computeMetrics(data.test.labels, test.probs, data.classNames);
const perFrame = (train.ms + test.ms) / (data.train.count + data.test.count);
console.log(
  [
    `${args.model} (${meta.name} ${meta.version}) on ${args.data}: ${data.train.count} train / ${data.test.count} held-out (test) frames, ${dim}-d pooled features (${perFrame.toFixed(1)} ms per frame for features + the model's own pass, wasm)`,
    `head-only teaching: ${(result.wallMs / 1000).toFixed(2)} s, ${result.history.length} epochs (best ${result.bestEpoch}${result.stoppedEarly ? ', stopped early' : ''})`,
    `held-out: taught head accuracy ${taught.accuracy.toFixed(3)}, macro F1 ${taught.macro.f1.toFixed(3)}; the model's own head ${own.accuracy.toFixed(3)}, macro F1 ${own.macro.f1.toFixed(3)}`,
  ].join('\n'),
);
