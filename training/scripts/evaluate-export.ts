/**
 * One row of training/README.md's options table for an exported model: val, test and
 * GastroVision-only (gv_*) macro F1 with the trainer's own metrics, and the same with test-time
 * horizontal-flip averaging (the mean of the probabilities of the frame and its mirror image), which
 * needs no retraining but doubles the per-frame cost, so it is measured here rather than shipped.
 * Also what a clinician sees: the share of frames the app sets apart for review (below the model's
 * low-confidence threshold, or unlike the training images) on val, test and each --ood folder.
 *
 *   node --import tsx training/scripts/evaluate-export.ts --model public/model --data ../shared/data/gi-proxy
 */
import * as tf from '@tensorflow/tfjs';
import { readFile } from 'node:fs/promises';
import { basename, join } from 'node:path';
import { parseArgs } from 'node:util';
import { validateMetadata } from '../../src/core/metadata.ts';
import { initBackend } from '../src/backend.ts';
import { loadDataset, loadImageFolder, sourceOf, type SplitData } from '../src/data/index.ts';
import { scoreFamiliarity } from '../../src/core/familiarity.ts';
import { withFeatureOutput } from '../../src/core/feature-output.ts';
import { predictSplit } from '../src/schedule/predict.ts';
import { computeMetrics } from '../src/evaluate/index.ts';
import { loadExportedModel } from '../src/export/io.ts';
import { batchRanges, identityOrder, imageBatch } from '../src/schedule/batches.ts';

const { values: args } = parseArgs({
  options: {
    model: { type: 'string', default: 'public/model' },
    data: { type: 'string' },
    ood: { type: 'string', multiple: true, default: [] },
  },
});
if (!args.data) throw new Error('--data is required');
await initBackend('wasm');
const meta = validateMetadata(JSON.parse(await readFile(join(args.model, 'metadata.json'), 'utf8')));
const data = await loadDataset(args.data, { inputSize: meta.input.size });
const model = await loadExportedModel(args.model);

async function probabilities(split: SplitData, flip: boolean): Promise<Float32Array> {
  const k = data.classNames.length;
  const out = new Float32Array(split.count * k);
  for (const idx of batchRanges(identityOrder(split.count), 32)) {
    const p = tf.tidy(() => {
      const x = imageBatch(split, idx, meta.input.size, meta.input.range);
      const y = model.predict(x) as tf.Tensor;
      return flip ? tf.div(tf.add(y, model.predict(tf.reverse(x, 2)) as tf.Tensor), 2) : y;
    });
    out.set(await p.data(), idx[0] * k);
    p.dispose();
  }
  return out;
}

const row = async (flip: boolean) => {
  const m = async (split: SplitData) =>
    computeMetrics(split.labels, await probabilities(split, flip), data.classNames, { sources: split.files.map(sourceOf) });
  const val = await m(data.val);
  const test = await m(data.test);
  return `${flip ? 'with' : 'without'} flip TTA: val macro F1 ${val.macro.f1.toFixed(3)}, test macro F1 ${test.macro.f1.toFixed(3)}, gv-only macro F1 ${test.perSource?.['gv_*']?.macroF1?.toFixed(3) ?? '-'}, test accuracy ${test.accuracy.toFixed(3)}, gv_polyp accuracy ${test.perSource?.gv_polyp?.accuracy.toFixed(3) ?? '-'}`;
};
console.log(`${args.model} (${meta.name} ${meta.version})`);
console.log(await row(false));
console.log(await row(true));

// Set apart for review, as the app decides it (src/core): top probability below the threshold, or unfamiliar.
const check = meta.familiarity;
const threshold = meta.lowConfidenceThreshold ?? 0;
const review = async (split: SplitData) => {
  const p = await predictSplit(model, split, {
    inputSize: meta.input.size,
    batchSize: 32,
    range: meta.input.range,
    ...(check ? { featureLayer: check.layer, featurePooling: check.pooling } : {}),
  });
  const k = p.numClasses;
  let low = 0;
  let odd = 0;
  let either = 0;
  for (let i = 0; i < split.count; i++) {
    const isLow = Math.max(...p.probs.subarray(i * k, (i + 1) * k)) < threshold;
    const isOdd =
      !!check &&
      !!p.features &&
      scoreFamiliarity(p.features.subarray(i * (p.featureDim ?? 0), (i + 1) * (p.featureDim ?? 0)), check).unfamiliar;
    low += +isLow;
    odd += +isOdd;
    either += +(isLow || isOdd);
  }
  const pct = (n: number) => `${((100 * n) / split.count).toFixed(1)} %`;
  return `low confidence ${pct(low)}, unfamiliar ${pct(odd)}, either (set apart for review) ${pct(either)} of ${split.count}`;
};
console.log(
  `low-confidence threshold ${threshold}; unfamiliar-frame check ${check ? `${check.layer}${check.pooling ? ` ${check.pooling}` : ''} at ${check.threshold}` : 'none'}`,
);
console.log(`val: ${await review(data.val)}`);
console.log(`test: ${await review(data.test)}`);
// The check's cost per frame: the model alone vs the model with the check's feature output (same
// pass), batch 1, interleaved so machine load hits both alike; median of 25 after 3 untimed.
if (check) {
  const view = withFeatureOutput(model, check.layer, check.pooling);
  const frame = imageBatch(data.val, [0], meta.input.size, meta.input.range);
  const time = (net: tf.LayersModel) => {
    const t0 = performance.now();
    tf.dispose(net.predict(frame));
    return performance.now() - t0;
  };
  const plain: number[] = [];
  const withCheck: number[] = [];
  for (let i = 0; i < 28; i++) {
    const a = time(model);
    const b = time(view);
    if (i < 3) continue;
    plain.push(a);
    withCheck.push(b);
  }
  const median = (xs: number[]) => xs.sort((x, y) => x - y)[xs.length >> 1];
  frame.dispose();
  console.log(
    `batch 1, wasm in Node: model ${median(plain).toFixed(1)} ms, with the check's features ${median(withCheck).toFixed(1)} ms per frame (median of 25)`,
  );
}
for (const dir of args.ood ?? [])
  console.log(`${basename(dir)}: ${await review(await loadImageFolder(dir, { inputSize: meta.input.size, concurrency: 16 }))}`);
