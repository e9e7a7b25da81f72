/**
 * Images/s of a warm-up step (backbone frozen) and a fine-tune step (last --unfreeze layers trainable)
 * on the wasm backend, per kernel set:
 *   none    - tfjs's wasm kernels as shipped (fine-tuning cannot run: gradient kernels are missing)
 *   missing - only the kernels wasm lacks added (shipped Conv2DBackpropInput loop, transposing matMul
 *             and element-wise Tile kept)
 *   all     - every EndoLens wasm training kernel (what initBackend('wasm') installs)
 * A step = predict() of the frozen part + trainOnBatch() of the trainable part, as the trainer runs it.
 * Kernel sets are swapped in one process and their steps interleaved, so load from other processes
 * on the machine hits every set alike; step 0 of each set is untimed (XNNPACK operator set-up).
 *
 *   node --import tsx training/scripts/bench-steps.ts [--batch 8] [--input-size 224] [--steps 2]
 *   node --import tsx training/scripts/bench-steps.ts --backbone mobilenetv2 --phase finetune
 */
import * as tf from '@tensorflow/tfjs';
import '@tensorflow/tfjs-backend-wasm';
import { parseArgs } from 'node:util';
import { transposeFreeBatchMatMul } from '../src/kernels/batch-matmul.ts';
import { conv2DBackpropKernels } from '../src/kernels/conv2d-backprop.ts';
import { depthwiseBackpropKernels } from '../src/kernels/depthwise-backprop.ts';
import { broadcastingTile } from '../src/kernels/tile.ts';
import { buildBackbone, buildClassifier, splitForTraining, type BackboneName } from '../src/models/index.ts';

type KernelSet = 'none' | 'missing' | 'all';

const { values: args } = parseArgs({
  options: {
    backbone: { type: 'string' },
    phase: { type: 'string' },
    batch: { type: 'string', default: '8' },
    'input-size': { type: 'string', default: '224' },
    unfreeze: { type: 'string', default: '13' },
    steps: { type: 'string', default: '2' },
    alpha: { type: 'string', default: '0.35' },
  },
});

await tf.setBackend('wasm');
await tf.ready();

const shipped = new Map(['Conv2DBackpropInput', 'BatchMatMul', 'Tile'].map((n) => [n, tf.getKernel(n, 'wasm')]));
const ours: Record<string, tf.KernelConfig> = Object.fromEntries(
  [
    ...conv2DBackpropKernels,
    ...depthwiseBackpropKernels,
    transposeFreeBatchMatMul(shipped.get('BatchMatMul') as tf.KernelConfig),
    broadcastingTile(shipped.get('Tile') as tf.KernelConfig),
  ].map((k) => [k.kernelName, k]),
);

function useKernelSet(set: KernelSet): void {
  for (const name of Object.keys(ours)) {
    if (tf.getKernel(name, 'wasm') !== undefined) tf.unregisterKernel(name, 'wasm');
    const missingOnWasm = !shipped.has(name);
    const mine = set === 'all' || (set === 'missing' && missingOnWasm);
    if (mine) tf.registerKernel(ours[name]);
    else if (!missingOnWasm) tf.registerKernel(shipped.get(name) as tf.KernelConfig);
  }
}

interface Result {
  set: KernelSet;
  frozenS: number[];
  trainS: number[];
  error?: string;
}

async function bench(backbone: BackboneName, phase: 'warmup' | 'finetune'): Promise<string[]> {
  const batch = Number(args.batch);
  const inputSize = Number(args['input-size']);
  const base = buildBackbone({ name: backbone, inputSize, alpha: backbone === 'mobilenetv2' ? Number(args.alpha) : undefined, seed: 1 });
  const classifier = buildClassifier(base, 4, { seed: 2 });
  const { frozen, trainable } = splitForTraining(classifier, base.layers.length, phase === 'warmup' ? 0 : Number(args.unfreeze));
  trainable.compile({ optimizer: tf.train.adam(phase === 'warmup' ? 1e-3 : 1e-4), loss: 'categoricalCrossentropy', metrics: ['accuracy'] });
  const x = tf.randomUniform([batch, inputSize, inputSize, 3], -1, 1, 'float32', 3);
  const y = tf.oneHot(
    tf.tensor1d(
      Array.from({ length: batch }, (_, i) => i % 4),
      'int32',
    ),
    4,
  );
  const results: Result[] = (['none', 'missing', 'all'] as const).map((set) => ({ set, frozenS: [], trainS: [] }));
  for (let step = 0; step <= Number(args.steps); step++) {
    for (const r of results) {
      if (r.error) continue;
      useKernelSet(r.set);
      const t0 = performance.now();
      const mid = frozen.predict(x);
      await Promise.all((Array.isArray(mid) ? mid : [mid]).map((t) => t.data()));
      const t1 = performance.now();
      try {
        await trainable.trainOnBatch(mid, y);
      } catch (err) {
        r.error = (err as Error).message.split('\n')[0];
      }
      const t2 = performance.now();
      tf.dispose(mid);
      if (step > 0) {
        r.frozenS.push((t1 - t0) / 1000);
        r.trainS.push((t2 - t1) / 1000);
      }
    }
  }
  tf.dispose([x, y]);
  classifier.dispose();
  const mean = (v: number[]) => v.reduce((a, b) => a + b, 0) / v.length;
  return results.map((r) => {
    const label = `${backbone.padEnd(11)} ${phase.padEnd(8)} kernels=${r.set.padEnd(7)}`;
    if (r.error) return `${label} does not run: ${r.error}`;
    const f = mean(r.frozenS);
    const t = mean(r.trainS);
    return `${label} ${(batch / (f + t)).toFixed(2).padStart(6)} images/s  (frozen predict ${f.toFixed(2)} s + train ${t.toFixed(3)} s per step; train part alone ${(batch / t).toFixed(1)} images/s)`;
  });
}

const backbones = args.backbone ? [args.backbone as BackboneName] : (['mobilenetv2', 'resnet50v2'] as const);
const phases = args.phase ? [args.phase as 'warmup' | 'finetune'] : (['warmup', 'finetune'] as const);
const rows: string[] = [];
for (const backbone of backbones) {
  for (const phase of phases) {
    for (const row of await bench(backbone, phase)) {
      console.log(row);
      rows.push(row);
    }
  }
}
console.log(
  `\nwasm, batch ${args.batch}, input ${args['input-size']}, unfreeze ${args.unfreeze}, mobilenetv2 alpha ${args.alpha}, ` +
    `mean of ${args.steps} timed steps per set (interleaved) after 1 untimed\n${rows.join('\n')}`,
);
