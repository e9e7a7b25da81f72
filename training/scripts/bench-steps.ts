/**
 * Images/s of one warm-up step (backbone frozen) and one fine-tune step (last --unfreeze layers
 * trainable) on the wasm backend, with tfjs's own wasm kernels ("none"), with only the kernels wasm
 * lacks added ("missing": shipped Conv2DBackpropInput loop and transposing matMul kept), and with all
 * of EndoLens's kernels ("all"). A step = frozen part predict() + trainOnBatch() of the trainable part,
 * as the trainer runs it. Each configuration runs in a fresh process so registrations do not leak.
 *
 *   node --import tsx training/scripts/bench-steps.ts                 # the whole matrix, a table at the end
 *   node --import tsx training/scripts/bench-steps.ts --backbone mobilenetv2 --phase finetune --kernels all
 */
import * as tf from '@tensorflow/tfjs';
import { spawnSync } from 'node:child_process';
import { fileURLToPath } from 'node:url';
import { parseArgs } from 'node:util';
import { initBackend } from '../src/backend.ts';
import { conv2DBackpropKernels } from '../src/kernels/conv2d-backprop.ts';
import { depthwiseBackpropKernels } from '../src/kernels/depthwise-backprop.ts';
import { buildBackbone, buildClassifier, splitForTraining, type BackboneName } from '../src/models/index.ts';

type KernelSet = 'none' | 'missing' | 'all';

const { values: args } = parseArgs({
  options: {
    backbone: { type: 'string' },
    phase: { type: 'string' },
    kernels: { type: 'string' },
    batch: { type: 'string', default: '8' },
    'input-size': { type: 'string', default: '224' },
    unfreeze: { type: 'string', default: '13' },
    steps: { type: 'string', default: '3' },
    alpha: { type: 'string', default: '0.35' },
  },
});

async function setUpWasm(set: KernelSet): Promise<void> {
  if (set === 'all') {
    await initBackend('wasm');
    return;
  }
  await import('@tensorflow/tfjs-backend-wasm');
  await tf.setBackend('wasm');
  await tf.ready();
  if (set === 'missing') {
    for (const k of [...conv2DBackpropKernels.filter((c) => c.kernelName === 'Conv2DBackpropFilter'), ...depthwiseBackpropKernels]) tf.registerKernel(k);
  }
}

interface Measurement {
  frozenS: number;
  trainS: number;
  imagesPerS: number;
}

async function measure(backbone: BackboneName, phase: 'warmup' | 'finetune', set: KernelSet): Promise<Measurement> {
  await setUpWasm(set);
  const batch = Number(args.batch);
  const inputSize = Number(args['input-size']);
  const base = buildBackbone({ name: backbone, inputSize, alpha: backbone === 'mobilenetv2' ? Number(args.alpha) : undefined, seed: 1 });
  const classifier = buildClassifier(base, 4, { seed: 2 });
  const { frozen, trainable } = splitForTraining(classifier, base.layers.length, phase === 'warmup' ? 0 : Number(args.unfreeze));
  trainable.compile({ optimizer: tf.train.adam(phase === 'warmup' ? 1e-3 : 1e-4), loss: 'categoricalCrossentropy', metrics: ['accuracy'] });
  const x = tf.randomUniform([batch, inputSize, inputSize, 3], -1, 1, 'float32', 3);
  const y = tf.oneHot(tf.tensor1d(Array.from({ length: batch }, (_, i) => i % 4), 'int32'), 4);
  let frozenS = 0;
  let trainS = 0;
  const steps = Number(args.steps);
  for (let step = 0; step <= steps; step++) {
    const t0 = performance.now();
    const mid = frozen.predict(x) as tf.Tensor | tf.Tensor[];
    await Promise.all((Array.isArray(mid) ? mid : [mid]).map((t) => t.data()));
    const t1 = performance.now();
    await trainable.trainOnBatch(mid, y);
    const t2 = performance.now();
    tf.dispose(mid);
    if (step > 0) {
      // step 0 is a warm-up: XNNPACK operators are created and the optimizer's slots allocated.
      frozenS += (t1 - t0) / 1000;
      trainS += (t2 - t1) / 1000;
    }
  }
  frozenS /= steps;
  trainS /= steps;
  return { frozenS, trainS, imagesPerS: batch / (frozenS + trainS) };
}

async function child(): Promise<void> {
  const backbone = args.backbone as BackboneName;
  const phase = args.phase as 'warmup' | 'finetune';
  const set = args.kernels as KernelSet;
  try {
    console.log(`RESULT ${JSON.stringify(await measure(backbone, phase, set))}`);
  } catch (err) {
    console.log(`RESULT ${JSON.stringify({ error: (err as Error).message.split('\n')[0] })}`);
  }
}

function matrix(): void {
  const script = fileURLToPath(import.meta.url);
  const rows: string[] = [];
  for (const backbone of ['mobilenetv2', 'resnet50v2'] as const) {
    for (const phase of ['warmup', 'finetune'] as const) {
      for (const set of ['none', 'missing', 'all'] as const) {
        const extra = ['--batch', args.batch, '--input-size', args['input-size'], '--unfreeze', args.unfreeze, '--steps', args.steps, '--alpha', args.alpha];
        const run = spawnSync(process.execPath, ['--import', 'tsx', script, '--backbone', backbone, '--phase', phase, '--kernels', set, ...(extra as string[])], {
          encoding: 'utf8',
        });
        const line = run.stdout.split('\n').find((l) => l.startsWith('RESULT '));
        const r = line ? (JSON.parse(line.slice(7)) as Partial<Measurement> & { error?: string }) : { error: run.stderr.trim().split('\n').pop() };
        const text = r.error
          ? `does not run: ${r.error}`
          : `${r.imagesPerS?.toFixed(2)} images/s (frozen predict ${r.frozenS?.toFixed(2)} s + train ${r.trainS?.toFixed(2)} s per step)`;
        const row = `${backbone.padEnd(11)} ${phase.padEnd(8)} kernels=${set.padEnd(7)} ${text}`;
        console.log(row);
        rows.push(row);
      }
    }
  }
  console.log(`\nbatch ${args.batch}, input ${args['input-size']}, unfreeze ${args.unfreeze}, mobilenetv2 alpha ${args.alpha}, ${args.steps} timed steps after 1 untimed\n${rows.join('\n')}`);
}

if (args.backbone && args.phase && args.kernels) await child();
else matrix();
