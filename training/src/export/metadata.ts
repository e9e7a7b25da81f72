/** Builds the `metadata.json` the app reads (src/core/metadata.ts), validated before it is written. */
import { execFileSync } from 'node:child_process';
import { displayNameFor } from '../../../src/core/classes.ts';
import {
  METADATA_FORMAT,
  METADATA_FORMAT_VERSION,
  validateMetadata,
  type EpochRecord,
  type EvalMetrics,
  type ModelMetadata,
} from '../../../src/core/metadata.ts';
import { DEFAULT_INPUT_RANGE, RESIZE_METHOD } from '../../../src/core/preprocess.ts';

export const INTENDED_USE =
  'Research tool, not a medical device: it must not be used for diagnosis or treatment decisions. ' +
  'It classifies single endoscopy frames into the classes it was trained on and can be wrong, ' +
  'including confidently; every result needs review by a qualified clinician.';

export interface MetadataInput {
  name: string;
  version: string;
  classNames: string[];
  inputSize: number;
  backbone: { name: string; alpha?: number; weights: string };
  dataset: ModelMetadata['dataset'];
  metrics: { test?: EvalMetrics; val?: EvalMetrics };
  calibration?: ModelMetadata['calibration'];
  lowConfidenceThreshold?: number;
  familiarity?: ModelMetadata['familiarity'];
  previous?: ModelMetadata['previous'];
  curves: EpochRecord[];
  training: NonNullable<ModelMetadata['training']>;
  createdAt?: Date;
}

export function buildMetadata(input: MetadataInput): ModelMetadata {
  const metadata: ModelMetadata = {
    format: METADATA_FORMAT,
    formatVersion: METADATA_FORMAT_VERSION,
    name: input.name,
    version: input.version,
    createdAt: (input.createdAt ?? new Date()).toISOString(),
    intendedUse: INTENDED_USE,
    classes: input.classNames.map((name) => ({ name, display: displayNameFor(name) })),
    input: {
      size: input.inputSize,
      channels: 3,
      range: [DEFAULT_INPUT_RANGE[0], DEFAULT_INPUT_RANGE[1]],
      resize: RESIZE_METHOD,
      layout: 'NHWC',
    },
    backbone: input.backbone,
    dataset: input.dataset,
    metrics: input.metrics,
    ...(input.calibration ? { calibration: input.calibration } : {}),
    ...(input.lowConfidenceThreshold !== undefined ? { lowConfidenceThreshold: input.lowConfidenceThreshold } : {}),
    ...(input.familiarity ? { familiarity: input.familiarity } : {}),
    ...(input.previous ? { previous: input.previous } : {}),
    curves: input.curves,
    training: input.training,
  };
  // The app's own check: what fails here would fail in the browser.
  return validateMetadata(JSON.parse(JSON.stringify(metadata)));
}

/** The checkout's commit (with "-dirty" when it has uncommitted changes); undefined outside git. */
export function gitCommit(cwd: string): string | undefined {
  try {
    const opts = { cwd, encoding: 'utf8' as const, stdio: ['ignore', 'pipe', 'ignore'] as ['ignore', 'pipe', 'ignore'], timeout: 5000 };
    const sha = execFileSync('git', ['rev-parse', 'HEAD'], opts).trim();
    const dirty = execFileSync('git', ['status', '--porcelain', '--untracked-files=no'], opts).trim() !== '';
    return dirty ? `${sha}-dirty` : sha;
  } catch {
    return undefined;
  }
}
