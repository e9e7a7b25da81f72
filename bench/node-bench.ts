/**
 * The Node half: the trainer's backend (initBackend('wasm'): SIMD, one thread, EndoLens gradient
 * kernels) running forward passes and training steps, as training/scripts/bench-steps.ts does for
 * its 'all' kernel set: a step = predict() of the frozen part + trainOnBatch() of the trainable tail.
 */
import * as tf from '@tensorflow/tfjs';
import { initBackend } from '../training/src/backend.ts';
import { buildBackbone, buildClassifier, splitForTraining, type BackboneName } from '../training/src/models/index.ts';
import { countFlops } from './flops.ts';
import { measurePeak, type Peak } from './peak.ts';
import { mean, median } from './stats.ts';

export interface NodeModelResult {
  backbone: string;
  batch: number;
  flopsPerImage: number;
  forwardImagesPerS: number;
  forwardGflops: number;
  warmupStepImagesPerS: number;
  finetuneStepImagesPerS: number;
  stepsTimed: number;
  error?: string;
}

export interface NodeResult {
  backend: string;
  backendNote: string;
  peak: Peak;
  models: NodeModelResult[];
}

async function timeAsync(fn: () => Promise<void>): Promise<number> {
  const t0 = performance.now();
  await fn();
  return (performance.now() - t0) / 1000;
}

async function benchBackbone(
  name: BackboneName,
  alpha: number | undefined,
  classes: number,
  batch: number,
  steps: number,
  unfreeze: number,
): Promise<NodeModelResult> {
  const base = buildBackbone({ name, inputSize: 224, alpha, seed: 1 });
  const model = buildClassifier(base, classes, { seed: 2 });
  const flopsPerImage = countFlops(model).flops;
  const x = tf.randomUniform([batch, 224, 224, 3], -1, 1, 'float32', 3);
  const y = tf.oneHot(
    tf.tensor1d(
      Array.from({ length: batch }, (_, i) => i % classes),
      'int32',
    ),
    classes,
  );
  const label = name === 'mobilenetv2' ? `MobileNetV2-${alpha}` : 'ResNet50V2';
  try {
    const forward = async () => {
      const out = model.predict(x) as tf.Tensor;
      await out.data();
      out.dispose();
    };
    await forward(); // untimed: XNNPACK operator set-up
    const f: number[] = [];
    for (let i = 0; i < steps; i++) f.push(await timeAsync(forward));
    const forwardS = median(f);
    const stepRate = async (phase: 'warmup' | 'finetune') => {
      const { frozen, trainable } = splitForTraining(model, base.layers.length, phase === 'warmup' ? 0 : unfreeze);
      trainable.compile({ optimizer: tf.train.adam(1e-4), loss: 'categoricalCrossentropy' });
      const times: number[] = [];
      for (let i = 0; i <= steps; i++) {
        const s = await timeAsync(async () => {
          const mid = frozen.predict(x);
          await trainable.trainOnBatch(mid, y);
          tf.dispose(mid);
        });
        if (i > 0) times.push(s);
      }
      return batch / mean(times);
    };
    const warmupStepImagesPerS = await stepRate('warmup');
    const finetuneStepImagesPerS = await stepRate('finetune');
    return {
      backbone: label,
      batch,
      flopsPerImage,
      forwardImagesPerS: batch / forwardS,
      forwardGflops: (flopsPerImage * batch) / forwardS / 1e9,
      warmupStepImagesPerS,
      finetuneStepImagesPerS,
      stepsTimed: steps,
    };
  } catch (e) {
    return {
      backbone: label,
      batch,
      flopsPerImage,
      forwardImagesPerS: NaN,
      forwardGflops: NaN,
      warmupStepImagesPerS: NaN,
      finetuneStepImagesPerS: NaN,
      stepsTimed: 0,
      error: (e as Error).message.split('\n')[0],
    };
  } finally {
    tf.dispose([x, y]);
    model.dispose();
  }
}

export async function runNodeBench(opts: {
  alpha: number;
  classes: number;
  batch: number;
  steps: number;
  unfreeze: number;
  log(msg: string): void;
}): Promise<NodeResult> {
  const choice = await initBackend('wasm');
  const peak = await measurePeak(3);
  opts.log(`node ${choice.name}: peak ${peak.how}`);
  const models: NodeModelResult[] = [];
  for (const [name, alpha] of [
    ['mobilenetv2', opts.alpha],
    ['resnet50v2', undefined],
  ] as const) {
    const r = await benchBackbone(name, alpha, opts.classes, opts.batch, opts.steps, opts.unfreeze);
    opts.log(
      `node ${r.backbone}: forward ${r.forwardImagesPerS.toFixed(2)} img/s, warm-up step ${r.warmupStepImagesPerS.toFixed(2)} img/s, fine-tune step ${r.finetuneStepImagesPerS.toFixed(2)} img/s${r.error ? ` (${r.error})` : ''}`,
    );
    models.push(r);
  }
  return { backend: choice.name, backendNote: choice.note, peak, models };
}
