/**
 * Checkpoints on disk, written so an interruption at any instant leaves the last complete one:
 * tensor files carry the epoch in their name and are written (atomically) first; `checkpoint.json`,
 * written atomically last, is the commit point naming them; files it no longer names are removed after.
 *
 *   <folder>/checkpoint.json   position, history, config, best val loss, Adam's counters
 *   <folder>/state-e<k>.bin    classifier weights + Adam moments after epoch k
 *   <folder>/best-e<j>.bin     the weights of the best epoch j so far (the run's best checkpoint)
 *
 * A run keeps its checkpoint in `runs/<id>/artifacts/checkpoint/` (see runCheckpointFolder).
 */
import { readdir, readFile, rm } from 'node:fs/promises';
import { join } from 'node:path';
import * as v from 'valibot';
import { EpochRecordSchema } from '../../../src/core/metadata.ts';
import { count, jsonObject, measured, parseAll } from '../../../src/core/schema.ts';
import { writeFileAtomic } from '../util/atomic.ts';
import type { NamedArray } from './state.ts';
import type { TrainerSnapshot } from './trainer.ts';

/** Where a run (runs/<id>/) keeps its checkpoint: among its artifacts, written locally only. */
export function runCheckpointFolder(runDir: string): string {
  return join(runDir, 'artifacts', 'checkpoint');
}
export const CHECKPOINT_FORMAT = 'endolens-checkpoint';
const CHECKPOINT_JSON = 'checkpoint.json';

const TensorEntrySchema = v.object({
  name: v.string(),
  shape: v.array(count),
  /** Byte offset into the file. */
  offset: count,
  /** Float32 values. */
  length: count,
});
type TensorEntry = v.InferOutput<typeof TensorEntrySchema>;
const tensors = v.array(TensorEntrySchema);

/** A tensor file beside checkpoint.json: its plain name, never a path out of the folder. */
const binFile = v.pipe(v.string(), v.regex(/^(state|best)-e\d+\.bin$/, 'must name a state-e<k>.bin or best-e<k>.bin file beside it'));

/** checkpoint.json; `config` is the caller's, checked with the caller's schema on reading. */
const CheckpointSchema = v.object({
  format: v.literal(CHECKPOINT_FORMAT),
  version: v.literal(1),
  savedAt: v.string(),
  completedEpochs: count,
  history: v.array(EpochRecordSchema),
  /** The run's full configuration, so `--resume` needs nothing else. */
  config: v.unknown(),
  state: v.object({ file: binFile, weights: tensors, firstMoments: tensors, secondMoments: tensors }),
  best: v.nullable(v.object({ file: binFile, valLoss: measured, epoch: count, weights: tensors })),
  optimizer: v.nullable(v.object({ phaseIndex: count, iterations: count, accBeta1: v.number(), accBeta2: v.number() })),
});
type CheckpointJson<C> = v.InferInput<typeof CheckpointSchema> & { config: C };

/** `json` as `schema` reads it, or an error naming the file, each field and its value. */
function checked<S extends v.GenericSchema>(schema: S, json: unknown, path: string, at?: string): v.InferOutput<S> {
  const r = parseAll(schema, json, { at });
  if (!r.success) throw new Error(`${path}: ${r.problems.join('; ')}`);
  return r.output;
}

function pack(groups: NamedArray[][]): { bytes: Uint8Array; entries: TensorEntry[][] } {
  const total = groups.reduce((s, g) => s + g.reduce((t, a) => t + a.data.byteLength, 0), 0);
  const bytes = new Uint8Array(total);
  let offset = 0;
  const entries = groups.map((g) =>
    g.map((a) => {
      bytes.set(new Uint8Array(a.data.buffer, a.data.byteOffset, a.data.byteLength), offset);
      const e = { name: a.name, shape: a.shape, offset, length: a.data.length };
      offset += a.data.byteLength;
      return e;
    }),
  );
  return { bytes, entries };
}

function unpack(buf: Buffer, entries: TensorEntry[], file: string): NamedArray[] {
  return entries.map((e) => {
    const end = e.offset + e.length * 4;
    if (end > buf.byteLength) throw new Error(`Checkpoint file ${file} is truncated (needs ${end} bytes, has ${buf.byteLength}).`);
    // A copy: Buffer offsets need not be 4-byte aligned.
    const data = new Float32Array(buf.buffer.slice(buf.byteOffset + e.offset, buf.byteOffset + end));
    return { name: e.name, shape: e.shape, data };
  });
}

/** Writes the snapshot after its last finished epoch into `dir`. */
export async function writeCheckpoint<C>(dir: string, snap: TrainerSnapshot, config: C): Promise<string> {
  const k = snap.completedEpochs;
  const opt = snap.optimizer;
  const state = pack([snap.weights, opt?.firstMoments ?? [], opt?.secondMoments ?? []]);
  const stateFile = `state-e${k}.bin`;
  await writeFileAtomic(join(dir, stateFile), state.bytes);

  let best: CheckpointJson<C>['best'] = null;
  if (snap.best) {
    const bestFile = `best-e${snap.best.epoch}.bin`;
    const packed = pack([snap.best.weights]);
    // The best epoch's weights never change once written, so an existing file is reused.
    const existing = await readFile(join(dir, bestFile)).catch(() => undefined);
    if (!existing || existing.byteLength !== packed.bytes.byteLength) await writeFileAtomic(join(dir, bestFile), packed.bytes);
    best = { file: bestFile, valLoss: snap.best.valLoss, epoch: snap.best.epoch, weights: packed.entries[0] };
  }

  const json: CheckpointJson<C> = {
    format: CHECKPOINT_FORMAT,
    version: 1,
    savedAt: new Date().toISOString(),
    completedEpochs: k,
    history: snap.history,
    config,
    state: { file: stateFile, weights: state.entries[0], firstMoments: state.entries[1], secondMoments: state.entries[2] },
    best,
    optimizer: opt && { phaseIndex: opt.phaseIndex, iterations: opt.iterations, accBeta1: opt.accBeta1, accBeta2: opt.accBeta2 },
  };
  const text = JSON.stringify(json);
  checked(CheckpointSchema, JSON.parse(text), join(dir, CHECKPOINT_JSON)); // as it will be read back (NaN as null)
  await writeFileAtomic(join(dir, CHECKPOINT_JSON), text);

  // Only now are older tensor files unreferenced.
  const keep = new Set([CHECKPOINT_JSON, stateFile, best?.file]);
  for (const f of await readdir(dir)) {
    // Also temp files a hard kill (second Ctrl-C) may have left mid-write.
    if (!keep.has(f) && (/^(state|best)-e\d+\.bin$/.test(f) || /^\.(state|best)-e\d+\.bin\..*\.tmp$/.test(f)))
      await rm(join(dir, f), { force: true });
  }
  return dir;
}

export function hasCheckpoint(dir: string): Promise<boolean> {
  return readFile(join(dir, CHECKPOINT_JSON)).then(
    () => true,
    () => false,
  );
}

/** Reads the last committed checkpoint in `dir`, its `config` checked by `configSchema`; errors name the file and what is wrong. */
export async function readCheckpoint<C extends v.GenericSchema>(
  dir: string,
  configSchema: C,
): Promise<{ snapshot: TrainerSnapshot; config: v.InferOutput<C>; savedAt: string }> {
  const jsonPath = join(dir, CHECKPOINT_JSON);
  let text: string;
  try {
    text = await readFile(jsonPath, 'utf8');
  } catch {
    throw new Error(`No checkpoint at ${jsonPath} (is it a run folder, and did an epoch of that run finish?).`);
  }
  let raw: unknown;
  try {
    raw = JSON.parse(text);
  } catch (err) {
    throw new Error(`${jsonPath} is not valid JSON: ${(err as Error).message}`, { cause: err });
  }
  const head: Record<string, unknown> = v.is(jsonObject, raw) ? raw : {};
  if (head.format !== CHECKPOINT_FORMAT || head.version !== 1) {
    throw new Error(
      `${jsonPath} is not an EndoLens checkpoint (format ${JSON.stringify(head.format)}, version ${JSON.stringify(head.version)}).`,
    );
  }
  const json = checked(CheckpointSchema, raw, jsonPath);
  const config = checked(configSchema, json.config, jsonPath, 'config');
  const readBin = async (file: string): Promise<Buffer> => {
    try {
      return await readFile(join(dir, file));
    } catch {
      throw new Error(`Checkpoint ${jsonPath} names ${file}, which is missing.`);
    }
  };
  const stateBuf = await readBin(json.state.file);
  const weights = unpack(stateBuf, json.state.weights, json.state.file);
  let best: TrainerSnapshot['best'] = null;
  if (json.best) {
    const bestBuf = json.best.file === json.state.file ? stateBuf : await readBin(json.best.file);
    best = { valLoss: json.best.valLoss, epoch: json.best.epoch, weights: unpack(bestBuf, json.best.weights, json.best.file) };
  }
  const optimizer = json.optimizer && {
    ...json.optimizer,
    firstMoments: unpack(stateBuf, json.state.firstMoments, json.state.file),
    secondMoments: unpack(stateBuf, json.state.secondMoments, json.state.file),
  };
  return {
    snapshot: { completedEpochs: json.completedEpochs, history: json.history, weights, best, optimizer },
    config,
    savedAt: json.savedAt,
  };
}
