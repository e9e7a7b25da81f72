/**
 * Reads the labelled frames through the base model, the way classification does (the browser's
 * decode, then src/core/preprocess.ts): each frame's fingerprint, its pooled features (the head's
 * input), its familiarity features and the base model's probabilities, from one forward pass per
 * batch. A frame that cannot be read is reported, not fatal.
 */
import * as tf from '@tensorflow/tfjs';
import { withFeatureOutput } from '../core/feature-output.ts';
import { HEAD_LAYERS } from '../core/head.ts';
import type { ModelMetadata } from '../core/metadata.ts';
import { resizeToRgb, scaleToRange } from '../core/preprocess.ts';
import { decodeFrame } from '../inference/decode.ts';
import { fingerprintFrame } from './fingerprint.ts';
import { HeadTrainingCancelled } from './head-trainer.ts';
import type { ReadFrame } from './teach-run.ts';
import type { FailedFrame, TeachInputFrame } from './teach-protocol.ts';

/** Frames per forward pass (the inference worker's batch). */
const READ_BATCH = 8;

/**
 * [pooled features, familiarity features?, probabilities] of `model` in one graph. Shares every
 * layer with `model` and owns no tensor: dispose `model` only.
 */
export function teachView(model: tf.LayersModel, metadata: ModelMetadata): { view: tf.LayersModel; hasFamiliarity: boolean } {
  const pooled = withFeatureOutput(model, HEAD_LAYERS.pooling).outputs[0];
  const check = metadata.familiarity;
  const fam = check ? withFeatureOutput(model, check.layer, check.pooling).outputs[0] : undefined;
  const outputs = fam ? [pooled, fam, model.outputs[0]] : [pooled, model.outputs[0]];
  return { view: tf.model({ inputs: model.inputs, outputs }), hasFamiliarity: fam !== undefined };
}

/** One forward pass per batch: each input's pooled features, familiarity features (when checked) and probabilities. */
export interface FrameScores {
  pooled: Float32Array;
  familiarity?: Float32Array;
  probs: Float32Array;
}

/** Scores preprocessed inputs through `model` (teachView's three outputs), READ_BATCH at a time. */
export function makeScorer(model: tf.LayersModel, metadata: ModelMetadata): (inputs: readonly Float32Array[]) => Promise<FrameScores[]> {
  const { view, hasFamiliarity } = teachView(model, metadata);
  const size = metadata.input.size;
  const per = size * size * 3;
  return async (inputs) => {
    const out: FrameScores[] = [];
    for (let start = 0; start < inputs.length; start += READ_BATCH) {
      const chunk = inputs.slice(start, start + READ_BATCH);
      const batch = new Float32Array(chunk.length * per);
      chunk.forEach((x, i) => batch.set(x, i * per));
      const x = tf.tensor4d(batch, [chunk.length, size, size, 3]);
      const outs = view.predict(x) as tf.Tensor[];
      const data = await Promise.all(outs.map((t) => t.data() as Promise<Float32Array>));
      tf.dispose([x, ...outs]);
      const [pooled, fam, probs] = hasFamiliarity ? data : [data[0], undefined, data[1]];
      const row = (a: Float32Array, i: number) => a.slice((i * a.length) / chunk.length, ((i + 1) * a.length) / chunk.length);
      chunk.forEach((_, i) => out.push({ pooled: row(pooled, i), ...(fam ? { familiarity: row(fam, i) } : {}), probs: row(probs, i) }));
    }
    return out;
  };
}

export interface ReadOutcome {
  frames: ReadFrame[];
  failed: FailedFrame[];
}

/** `keepRgb`: keep each frame resized to the model's input (bytes), for fine-tuning the backbone. */
export async function readFrames(
  model: tf.LayersModel,
  metadata: ModelMetadata,
  inputs: readonly TeachInputFrame[],
  onProgress: (done: number) => void,
  signal: AbortSignal,
  keepRgb = false,
): Promise<ReadOutcome> {
  const score = makeScorer(model, metadata);
  const frames: ReadFrame[] = [];
  const failed: FailedFrame[] = [];
  for (let start = 0; start < inputs.length; start += READ_BATCH) {
    if (signal.aborted) throw new HeadTrainingCancelled();
    const ready: { frame: TeachInputFrame; input: Float32Array; rgb: Uint8Array; fingerprint: ReadFrame['fingerprint'] }[] = [];
    for (const frame of inputs.slice(start, start + READ_BATCH)) {
      try {
        if (frame.file.size === 0) throw new Error('the file is empty');
        const bytes = await frame.file.arrayBuffer();
        const decoded = await decodeFrame(frame.file);
        const px = decoded.pixels;
        const fingerprint = await fingerprintFrame(bytes, px);
        // preprocessPixels in two steps (resize, then scale) so the resized bytes can be kept.
        const rgb = resizeToRgb(px, metadata.input.size);
        ready.push({ frame, input: scaleToRange(rgb, metadata.input.range), rgb, fingerprint });
      } catch (e) {
        failed.push({ id: frame.id, name: frame.name, reason: e instanceof Error ? e.message : String(e) });
      }
    }
    const scores = await score(ready.map((r) => r.input));
    ready.forEach((r, i) =>
      frames.push({
        id: r.frame.id,
        className: r.frame.className,
        fingerprint: r.fingerprint,
        features: scores[i].pooled,
        ...(scores[i].familiarity ? { familiarity: scores[i].familiarity } : {}),
        baseProbs: scores[i].probs,
        ...(keepRgb ? { rgb: r.rgb } : {}),
      }),
    );
    onProgress(Math.min(inputs.length, start + READ_BATCH));
  }
  return { frames, failed };
}
