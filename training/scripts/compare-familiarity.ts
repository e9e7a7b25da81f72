/**
 * Compares unfamiliar-frame checks on an exported model, as notes/issue-10-familiarity.md reports:
 * features (the head's pooled vector vs the last feature map's mean-std) x scores (cosine to class
 * centroids, Mahalanobis, k-NN, energy). Thresholds are the --quantile of val scores, as the export
 * fits them. Columns: share flagged of val, test and the unknown-finding frames (--ood); AUROC
 * val vs ood; and a source hold-out: the check refitted without one source's training frames
 * (--holdout, e.g. kvasirseg), the share of that source's val+test frames it flags (ordinary
 * frames from a collection the check never saw: lower is better) and of the ood frames.
 *
 *   node --import tsx training/scripts/compare-familiarity.ts --model public/model \
 *     --data ../shared/data/gi-proxy --extra-train ../shared/data/gi-extra \
 *     --ood ../shared/data/ood-dev/normal_esophagus --holdout kvasirseg
 */
import * as tf from '@tensorflow/tfjs';
import { readFile } from 'node:fs/promises';
import { join, resolve } from 'node:path';
import { parseArgs } from 'node:util';
import { FAMILIARITY_QUANTILE, FEATURE_LAYER } from '../../src/core/familiarity.ts';
import { validateMetadata } from '../../src/core/metadata.ts';
import { initBackend } from '../src/backend.ts';
import { addExtraTrain, DEFAULT_DECODE_CONCURRENCY, loadDataset, loadImageFolder, sourceOf, type SplitData } from '../src/data/index.ts';
import { flaggedShareOf, upperQuantile, type FeatureRows } from '../../src/core/familiarity-fit.ts';
import { auroc, cosineScorer, energyScores, knnScorer, mahalanobisScorer, type Scorer } from '../src/evaluate/ood-scores.ts';
import { familiarityFeatures, type FeatureSpec } from '../src/export/familiarity.ts';
import { loadExportedModel } from '../src/export/io.ts';
import { predictSplit } from '../src/schedule/predict.ts';
import { firstInboundLayer } from '../src/tfjs-internals.ts';

const { values: args } = parseArgs({
  options: {
    model: { type: 'string', default: 'public/model' },
    data: { type: 'string' },
    'extra-train': { type: 'string', multiple: true, default: [] },
    ood: { type: 'string' },
    holdout: { type: 'string', default: 'kvasirseg' },
    quantile: { type: 'string', default: String(FAMILIARITY_QUANTILE) },
  },
});
if (!args.data || !args.ood) throw new Error('--data and --ood are required');
const quantile = Number(args.quantile);

await initBackend('wasm');
const meta = validateMetadata(JSON.parse(await readFile(join(args.model, 'metadata.json'), 'utf8')));
const size = meta.input.size;
const concurrency = DEFAULT_DECODE_CONCURRENCY;
const data = await addExtraTrain(await loadDataset(args.data, { inputSize: size, concurrency }), args.data, args['extra-train'] ?? [], {
  inputSize: size,
  concurrency,
});
const ood = await loadImageFolder(args.ood, { inputSize: size, concurrency });

const model = await loadExportedModel(resolve(args.model));
const splits = { train: data.train, val: data.val, test: data.test, ood };
type Name = keyof typeof splits;
const opts = { inputSize: size, batchSize: 32, range: meta.input.range };
async function features(spec: FeatureSpec): Promise<Record<Name, FeatureRows>> {
  const out = {} as Record<Name, FeatureRows>;
  for (const [name, split] of Object.entries(splits) as [Name, SplitData][]) {
    const p = await predictSplit(model, split, { ...opts, featureLayer: spec.layer, featurePooling: spec.pooling });
    out[name] = { features: p.features as Float32Array, dim: p.featureDim as number };
  }
  return out;
}

/** Rows of `rows` where keep[i]. */
function subset(rows: FeatureRows, keep: boolean[]): FeatureRows {
  const idx = keep.flatMap((k, i) => (k ? [i] : []));
  const out = new Float32Array(idx.length * rows.dim);
  idx.forEach((i, j) => out.set(rows.features.subarray(i * rows.dim, (i + 1) * rows.dim), j * rows.dim));
  return { features: out, dim: rows.dim };
}

const share = flaggedShareOf;
const pct = (x: number) => `${(100 * x).toFixed(1)} %`;
const isHeld = (split: SplitData) => split.files.map((f) => sourceOf(f) === args.holdout);

type Fit = (train: FeatureRows, labels: Int32Array) => Scorer | Promise<Scorer>;
const k = data.classNames.length;
const methods: [string, Fit][] = [
  ['cosine to class centroid', (t, l) => cosineScorer(t, l, k)],
  ['Mahalanobis, shared covariance (shrink 0.1)', (t, l) => mahalanobisScorer(t, l, k, 0.1)],
  ['k-NN, k = 10', (t) => knnScorer(t, 10)],
  ['k-NN, k = 50', (t) => knnScorer(t, 50)],
];

const rows: string[] = [];
const specs: [string, FeatureSpec][] = [
  ['head pooled mean (today)', { layer: FEATURE_LAYER }],
  [`${familiarityFeatures(model).layer} mean-std (new)`, familiarityFeatures(model)],
];
for (const [specName, spec] of specs) {
  const f = await features(spec);
  const heldTrain = isHeld(data.train).map((h) => !h);
  const heldVal = isHeld(data.val);
  const heldTest = isHeld(data.test);
  for (const [name, fit] of methods) {
    const score = await fit(f.train, data.train.labels);
    const t0 = performance.now();
    const [v, t, o] = [await score(f.val), await score(f.test), await score(f.ood)];
    const ms = (performance.now() - t0) / (f.val.features.length / f.val.dim + f.test.features.length / f.test.dim + ood.count);
    const th = upperQuantile(v, quantile);
    const s2 = await fit(subset(f.train, heldTrain), Int32Array.from(data.train.labels.filter((_, i) => heldTrain[i])));
    const v2 = await s2(f.val);
    const th2 = upperQuantile(
      v2.filter((_, i) => !heldVal[i]),
      quantile,
    );
    const heldScores = [...Array.from(v2).filter((_, i) => heldVal[i]), ...Array.from(await s2(f.test)).filter((_, i) => heldTest[i])];
    const oodHeld = await s2(f.ood);
    rows.push(
      `| ${specName} [${f.val.dim}] | ${name} | ${pct(share(v, th))} | ${pct(share(t, th))} | ${pct(share(o, th))} | ${auroc(v, o).toFixed(3)} | ${pct(share(heldScores, th2))} | ${pct(share(oodHeld, th2))} | ${ms.toFixed(2)} |`,
    );
    console.error(rows[rows.length - 1]);
  }
}
// Energy needs the logits: the head's last Dense applied to its input (temperature baked in, as exported).
{
  const pred = model.getLayer('predictions');
  const before = (firstInboundLayer(pred) as tf.layers.Layer).name;
  const [kernel, bias] = pred.getWeights();
  const logitsOf = async (rows: FeatureRows) => {
    const z = tf.tidy(() => tf.add(tf.matMul(tf.tensor2d(rows.features, [rows.features.length / rows.dim, rows.dim]), kernel), bias));
    const out = { features: (await z.data()) as Float32Array, dim: k };
    z.dispose();
    return out;
  };
  const f = await features({ layer: before });
  const [v, t, o] = [energyScores(await logitsOf(f.val)), energyScores(await logitsOf(f.test)), energyScores(await logitsOf(f.ood))];
  const th = upperQuantile(v, quantile);
  rows.push(
    `| logits [${k}] | energy | ${pct(share(v, th))} | ${pct(share(t, th))} | ${pct(share(o, th))} | ${auroc(v, o).toFixed(3)} | - | - | - |`,
  );
}

console.log(`Model ${args.model} (${meta.name}); threshold: the ${quantile} quantile of val scores; hold-out source: ${args.holdout}.\n`);
console.log(
  '| features | score | val flagged | test flagged | ood flagged | AUROC val/ood | hold-out source flagged | ood flagged (hold-out fit) | ms/frame (scoring, JS/wasm) |',
);
console.log('|---|---|---|---|---|---|---|---|---|');
for (const r of rows) console.log(r);
