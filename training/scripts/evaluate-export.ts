/**
 * One row of training/README.md's options table for an exported model: val, test and
 * GastroVision-only (gv_*) macro F1 with the trainer's own metrics, and the same with test-time
 * horizontal-flip averaging (the mean of the probabilities of the frame and its mirror image), which
 * needs no retraining but doubles the per-frame cost, so it is measured here rather than shipped.
 *
 *   node --import tsx training/scripts/evaluate-export.ts --model public/model --data ../shared/data/gi-proxy
 */
import * as tf from '@tensorflow/tfjs';
import { readFile } from 'node:fs/promises';
import { join } from 'node:path';
import { parseArgs } from 'node:util';
import { validateMetadata } from '../../src/core/metadata.ts';
import { initBackend } from '../src/backend.ts';
import { loadDataset, sourceOf, type SplitData } from '../src/data/index.ts';
import { computeMetrics } from '../src/evaluate/index.ts';
import { loadExportedModel } from '../src/export/io.ts';
import { batchRanges, identityOrder, imageBatch } from '../src/schedule/batches.ts';

const { values: args } = parseArgs({ options: { model: { type: 'string', default: 'public/model' }, data: { type: 'string' } } });
if (!args.data) throw new Error('--data is required');
await initBackend('wasm');
const meta = validateMetadata(JSON.parse(await readFile(join(args.model, 'metadata.json'), 'utf8')));
const data = await loadDataset(args.data, { inputSize: meta.input.size });
const model = await loadExportedModel(args.model);

function probabilities(split: SplitData, flip: boolean): Float32Array {
  const k = data.classNames.length;
  const out = new Float32Array(split.count * k);
  for (const idx of batchRanges(identityOrder(split.count), 32)) {
    const p = tf.tidy(() => {
      const x = imageBatch(split, idx, meta.input.size, meta.input.range);
      const y = model.predict(x) as tf.Tensor;
      return flip ? tf.div(tf.add(y, model.predict(tf.reverse(x, 2)) as tf.Tensor), 2) : y;
    });
    out.set(p.dataSync(), idx[0] * k);
    p.dispose();
  }
  return out;
}

const row = (flip: boolean) => {
  const m = (split: SplitData) => computeMetrics(split.labels, probabilities(split, flip), data.classNames, { sources: split.files.map(sourceOf) });
  const val = m(data.val);
  const test = m(data.test);
  return `${flip ? 'with' : 'without'} flip TTA: val macro F1 ${val.macro.f1.toFixed(3)}, test macro F1 ${test.macro.f1.toFixed(3)}, gv-only macro F1 ${test.perSource?.['gv_*']?.macroF1?.toFixed(3) ?? '-'}, test accuracy ${test.accuracy.toFixed(3)}, gv_polyp accuracy ${test.perSource?.gv_polyp?.accuracy.toFixed(3) ?? '-'}`;
};
console.log(`${args.model} (${meta.name} ${meta.version})`);
console.log(row(false));
console.log(row(true));
