/**
 * Loads saved weights into a backbone by Keras layer name, all or nothing: every layer of the
 * backbone that has weights must find them, with the same shapes, or nothing is changed and the
 * error lists each missing or mis-shaped weight with both shapes.
 */
import * as tf from '@tensorflow/tfjs';
import { makeDivisible, MOBILENETV2_ALPHAS, MOBILENETV2_BLOCKS } from '../models/mobilenetv2.ts';
import type { BackboneName } from '../models/index.ts';
import { DEFAULT_CACHE_DIR, fileHash } from './download.ts';
import { openWeightSource } from './open-source.ts';
import { WeightLoadError, type SavedWeight, type WeightSource } from './weight-source.ts';

export { WeightLoadError } from './weight-source.ts';
export { DEFAULT_CACHE_DIR } from './download.ts';
export { imagenetFile, KERAS_APPLICATIONS_BASE_URL } from './imagenet.ts';

export interface LoadedWeights {
  source: string;
  file: string;
  sha256?: string;
  layersLoaded: number;
}

export interface LoadOptions {
  cacheDir?: string;
  backboneName?: BackboneName;
  alpha?: number;
  /** A mirror of Keras's weight storage (same layout); default storage.googleapis.com. */
  imagenetBaseUrl?: string;
}

const MAX_LISTED_PROBLEMS = 25;

function shapeText(shape: readonly (number | null)[]): string {
  return `[${shape.join(', ')}]`;
}

function inferBackboneName(backbone: tf.LayersModel): BackboneName | undefined {
  const names = new Set(backbone.layers.map((l) => l.name));
  if (names.has('post_relu') && names.has('conv1_conv')) return 'resnet50v2';
  if (names.has('out_relu') && names.has('Conv1')) return 'mobilenetv2';
  return undefined;
}

/** The Keras alpha whose MobileNetV2 channel counts match `lastDim(layer)` for every layer present. */
function alphaFromChannels(lastDim: (layer: string) => number | undefined): number | undefined {
  if (lastDim('Conv1') === undefined) return undefined;
  const expected = (alpha: number): Array<[string, number]> => [
    ['Conv1', makeDivisible(32 * alpha, 8)],
    ...MOBILENETV2_BLOCKS.map(([filters], id): [string, number] => [
      id === 0 ? 'expanded_conv_project' : `block_${id}_project`,
      makeDivisible(Math.trunc(filters * alpha), 8),
    ]),
    ['Conv_1', alpha > 1 ? makeDivisible(1280 * alpha, 8) : 1280],
  ];
  const fits = MOBILENETV2_ALPHAS.filter((alpha) =>
    expected(alpha).every(([layer, channels]) => [undefined, channels].includes(lastDim(layer))),
  );
  if (fits.length === 0) {
    throw new WeightLoadError(
      `These MobileNetV2 weights match none of Keras's alphas (${MOBILENETV2_ALPHAS.join(', ')}): Conv1 has ${lastDim('Conv1')} output channels.`,
    );
  }
  return fits[0];
}

function lastDimOfFirstWeight(source: WeightSource, layer: string): number | undefined {
  const shape = source.layers.get(layer)?.[0]?.shape;
  return shape === undefined ? undefined : shape[shape.length - 1];
}

/**
 * MobileNetV2's alpha from saved weights (their channel counts), or undefined when they are not
 * MobileNetV2 weights (no `Conv1` layer).
 */
export async function alphaFromWeights(source: string, opts: { cacheDir?: string } = {}): Promise<number | undefined> {
  if (source === 'imagenet') return undefined;
  const weights = await openWeightSource(source, { cacheDir: opts.cacheDir ?? DEFAULT_CACHE_DIR });
  try {
    return alphaFromChannels((layer) => lastDimOfFirstWeight(weights, layer));
  } finally {
    weights.close();
  }
}

/** Pairs each model weight with its saved weight: by name (kernel, gamma, ...), else by position as Keras does. */
function planLayer(layer: tf.layers.Layer, saved: SavedWeight[] | undefined, problems: string[]): SavedWeight[] | undefined {
  const expects = layer.weights.map((w) => `${w.originalName.split('/').pop()} ${shapeText(w.shape)}`).join(', ');
  if (saved === undefined) {
    problems.push(`layer "${layer.name}": missing from the weights (the model expects ${expects})`);
    return undefined;
  }
  if (saved.length !== layer.weights.length) {
    const found = saved.map((s) => `${s.name} ${shapeText(s.shape)}`).join(', ');
    problems.push(
      `layer "${layer.name}": the weights have ${saved.length} (${found}), the model expects ${layer.weights.length} (${expects})`,
    );
    return undefined;
  }
  const plan = layer.weights.map((w, i) => saved.find((s) => s.name === w.originalName.split('/').pop()) ?? saved[i]);
  let ok = true;
  layer.weights.forEach((w, i) => {
    const got = plan[i].shape;
    if (got.length !== w.shape.length || got.some((d, k) => d !== w.shape[k])) {
      problems.push(
        `layer "${layer.name}" weight "${plan[i].name}": the weights have shape ${shapeText(got)}, the model expects ${shapeText(w.shape)}`,
      );
      ok = false;
    }
  });
  return ok ? plan : undefined;
}

export async function loadBackboneWeights(backbone: tf.LayersModel, source: string, opts: LoadOptions = {}): Promise<LoadedWeights> {
  const backboneName = opts.backboneName ?? inferBackboneName(backbone);
  const alpha =
    opts.alpha ??
    (backboneName === 'mobilenetv2'
      ? alphaFromChannels((name) => {
          const layer = backbone.layers.find((l) => l.name === name);
          const shape = layer?.weights[0]?.shape;
          return shape === undefined ? undefined : (shape[shape.length - 1] as number);
        })
      : undefined);
  const weights = await openWeightSource(source, {
    cacheDir: opts.cacheDir ?? DEFAULT_CACHE_DIR,
    backboneName,
    alpha,
    inputSize: backbone.inputs[0].shape[1] ?? undefined,
    imagenetBaseUrl: opts.imagenetBaseUrl,
  });
  try {
    const problems: string[] = [];
    const plans: Array<[tf.layers.Layer, SavedWeight[]]> = [];
    for (const layer of backbone.layers) {
      if (layer.weights.length === 0) continue;
      const plan = planLayer(layer, weights.layers.get(layer.name), problems);
      if (plan) plans.push([layer, plan]);
    }
    if (problems.length > 0) {
      const listed = problems.slice(0, MAX_LISTED_PROBLEMS).map((p) => `  - ${p}`);
      if (problems.length > MAX_LISTED_PROBLEMS) listed.push(`  - ... and ${problems.length - MAX_LISTED_PROBLEMS} more`);
      throw new WeightLoadError(
        `The weights from ${weights.description} (${weights.file}) do not fit the ${backboneName ?? backbone.name} backbone; nothing was loaded. ` +
          `${problems.length} problem(s):\n${listed.join('\n')}`,
      );
    }
    for (const [layer, plan] of plans) {
      const arrays: Float32Array[] = [];
      for (const s of plan) arrays.push(await s.read());
      const values = plan.map((s, i) => tf.tensor(arrays[i], s.shape));
      layer.setWeights(values);
      tf.dispose(values);
    }
    return { source, file: weights.file, sha256: await fileHash(weights.file, 'sha256'), layersLoaded: plans.length };
  } finally {
    weights.close();
  }
}
