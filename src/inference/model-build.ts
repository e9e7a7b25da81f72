/**
 * Building a model in the inference worker: the files folded for inference, the model built and
 * checked against its metadata, the warm-up call; and the embedded model built before the page asks
 * for it (a first visit's model, on WASM), adopted by the load that asks for exactly that.
 */
import * as tf from '@tensorflow/tfjs';
import { modelShape } from './classify.ts';
import { foldForInference } from './fold-batchnorm.ts';
import { disposeInferenceModel, makeInferenceModel, runBatch, type InferenceModel } from './inference-model.ts';
import { loadModelBundle, ModelLoadError, type ModelBundle } from './model-files.ts';
import type { ModelSource } from './protocol.ts';

/** BN folded into the convs (and ReLU6 fused) for speed; the background timing loads these too. */
export function foldedArtifacts(bundle: ModelBundle): tf.io.ModelArtifacts {
  const familiarityLayer = bundle.metadata.familiarity?.layer;
  return foldForInference(bundle.artifacts, familiarityLayer ? [familiarityLayer] : []);
}

/** Builds the model on the active backend, checked against its metadata. */
export async function buildChecked(bundle: ModelBundle, artifacts: tf.io.ModelArtifacts): Promise<InferenceModel> {
  const size = bundle.metadata.input.size;
  let model: tf.LayersModel;
  try {
    model = await tf.loadLayersModel(tf.io.fromMemory(artifacts));
  } catch (e) {
    throw new ModelLoadError('corrupt', `TensorFlow.js could not build the model: ${e instanceof Error ? e.message : String(e)}`);
  }
  const shape = modelShape(model);
  const problems: string[] = [];
  if (shape.inputSize !== size) problems.push(`model input is ${shape.inputSize}x${shape.inputSize}, metadata says ${size}`);
  if (shape.channels !== 3) problems.push(`model input has ${shape.channels} channels, expected 3`);
  if (shape.classes !== bundle.metadata.classes.length)
    problems.push(`model outputs ${shape.classes} classes, metadata names ${bundle.metadata.classes.length}`);
  if (problems.length) {
    model.dispose();
    throw new ModelLoadError('mismatch', `model.json and metadata.json disagree: ${problems.join('; ')}.`);
  }
  try {
    return makeInferenceModel(model, size, bundle.metadata.familiarity);
  } catch (e) {
    model.dispose();
    throw e;
  }
}

/** The first call compiles and packs the weights (~0.2-0.4 s on WASM): done once, on the path frames take. */
export function warmUp(inference: InferenceModel, bundle: ModelBundle): Promise<unknown> {
  const size = bundle.metadata.input.size;
  return runBatch(inference, [new Float32Array(size * size * 3)]);
}

/** The embedded model built and warmed up on WASM before the page asked (ToWorker 'prebuild-embedded'). */
export interface Prebuilt {
  baseUrl: string;
  bundle: ModelBundle;
  artifacts: tf.io.ModelArtifacts;
  inference: InferenceModel;
}
/** `wasmReady`: the WASM backend's start; nothing is built when another backend is active by then. */
export async function prebuildEmbedded(baseUrl: string, wasmReady: Promise<unknown>): Promise<Prebuilt | undefined> {
  try {
    const bundle = await loadModelBundle({ kind: 'embedded', baseUrl }); // fetched while WASM compiles
    await wasmReady;
    if (tf.getBackend() !== 'wasm') return undefined;
    const artifacts = foldedArtifacts(bundle);
    const inference = await buildChecked(bundle, artifacts);
    try {
      await warmUp(inference, bundle);
    } catch {
      disposeInferenceModel(inference);
      return undefined;
    }
    return { baseUrl, bundle, artifacts, inference };
  } catch {
    return undefined; // the load that asks for this model reports any problem itself
  }
}

/** The prebuilt model when `source` is the one it was built from; otherwise it is freed. */
export async function adoptPrebuilt(
  pending: Promise<Prebuilt | undefined> | undefined,
  source: ModelSource,
): Promise<Prebuilt | undefined> {
  const built = await pending;
  if (built && source.kind === 'embedded' && source.baseUrl === built.baseUrl) return built;
  if (built) disposeInferenceModel(built.inference);
  return undefined;
}
