/**
 * One training run on disk, laid out like an MLflow file store's run folder so that it can be read
 * by eye, by scripts, or uploaded later:
 *
 *   runs/<id>/
 *     meta.json        id, status (RUNNING | FINISHED | FAILED | KILLED), start/end times (ms),
 *                      resume times, and the remote MLflow run when there is one
 *     params.json      the run's parameters, as given (nested JSON)
 *     metrics.jsonl    one JSON object per finished epoch: {phase, epoch, loss, accuracy,
 *                      valLoss, valAccuracy, ...any extra numbers}, appended as epochs finish
 *     artifacts/       everything else: evaluation, plots, data report, checkpoints (`writeJson`,
 *                      `writeText`, `writeBytes`; sub-folders allowed)
 *
 * meta.json, params.json and artifacts are written atomically (temp file + fsync + rename);
 * metrics.jsonl is appended and fsynced per line, and a torn last line (a crash mid-append) is
 * ignored on reading. Each file is checked against its schema (run-files.ts) before it is written
 * and when it is read back. Run ids: `YYYYMMDD-HHMMSS-xxxx` (UTC, 4 random hex) unless given.
 *
 * With MLFLOW_TRACKING_URI set to an http(s) URL, params, epoch metrics (step = epoch) and
 * artifacts also go to that MLflow server (experiment MLFLOW_EXPERIMENT_NAME, default "endolens").
 * The local run is the source of truth: if the server cannot be reached, one warning is printed,
 * remote logging stops for this process, and the run carries on locally.
 */
import { appendFile, mkdir, open, readFile, stat } from 'node:fs/promises';
import { randomBytes } from 'node:crypto';
import { basename, isAbsolute, join, normalize, resolve, sep } from 'node:path';
import * as v from 'valibot';
import type { EpochRecord } from '../../../src/core/metadata.ts';
import { parseAll } from '../../../src/core/schema.ts';
import { writeFileAtomic } from '../util/atomic.ts';
import { flattenParams, MlflowClient, MlflowError, type MlflowMetric } from './mlflow-client.ts';
import {
  EpochLineSchema,
  isRunArtifact,
  RUN_ARTIFACTS,
  RUN_ID_PATTERN,
  RunMetaSchema,
  RunParamsSchema,
  type EpochLine,
  type RunArtifactData,
  type RunMeta,
  type RunStatus,
} from './run-files.ts';

export type { RunMeta, RunStatus };

export interface TrackerOptions {
  id?: string;
  /** Overrides MLFLOW_TRACKING_URI (tests). Empty string: no remote tracking. */
  trackingUri?: string;
  /** Overrides MLFLOW_EXPERIMENT_NAME. */
  experimentName?: string;
  /** Where warnings go (default console.warn). */
  warn?: (message: string) => void;
  /** MLflow request timeout, ms (default 10 s). */
  timeoutMs?: number;
}

export class TrackerError extends Error {
  override name = 'TrackerError';
}

const META = 'meta.json';
const PARAMS = 'params.json';
const METRICS = 'metrics.jsonl';
const ARTIFACTS = 'artifacts';

/** `value` as `file` holds it (or is about to), or a TrackerError naming the file and every problem. */
function checked<S extends v.GenericSchema>(schema: S, value: unknown, file: string): v.InferOutput<S> {
  const r = parseAll(schema, value);
  if (!r.success) throw new TrackerError(`${file}: ${r.problems.join('; ')}`);
  return r.output;
}

/** JSON text for `file`, checked as it will be read back (NaN written as null, say). */
function checkedJson(schema: v.GenericSchema, data: unknown, file: string, indent?: number): string {
  const text = JSON.stringify(data, null, indent);
  checked(schema, JSON.parse(text), file);
  return text;
}

/** `YYYYMMDD-HHMMSS-xxxx`: UTC time and 4 random hex digits. */
export function newRunId(now = new Date()): string {
  const iso = now.toISOString(); // 2026-11-26T16:40:00.000Z
  return `${iso.slice(0, 10).replace(/-/g, '')}-${iso.slice(11, 19).replace(/:/g, '')}-${randomBytes(2).toString('hex')}`;
}

async function exists(path: string): Promise<boolean> {
  return stat(path).then(
    () => true,
    () => false,
  );
}

interface Remote {
  client: MlflowClient;
  experimentId: string;
  runId: string;
}

export class RunTracker {
  private remote: Remote | null = null;
  private remoteDisabled = false;
  private readonly warn: (message: string) => void;

  private constructor(
    private readonly runDir: string,
    private meta: RunMeta,
    private readonly params: Record<string, unknown>,
    private readonly opts: TrackerOptions,
  ) {
    this.warn = opts.warn ?? ((m) => console.warn(m));
  }

  /** Starts a new run in `runsDir/<id>`; refuses to reuse an existing run's folder. */
  static async create(runsDir: string, params: Record<string, unknown>, opts: TrackerOptions = {}): Promise<RunTracker> {
    const id = opts.id ?? newRunId();
    if (!RUN_ID_PATTERN.test(id)) throw new TrackerError(`Run id "${id}" may only use letters, digits, '.', '_' and '-' (at most 128).`);
    const dir = resolve(runsDir, id);
    if (await exists(dir)) throw new TrackerError(`Run folder ${dir} already exists; resume it with --resume ${dir} or choose another id.`);
    await mkdir(join(dir, ARTIFACTS), { recursive: true });
    const tracker = new RunTracker(dir, { id, status: 'RUNNING', startTime: Date.now() }, params, opts);
    await writeFileAtomic(join(dir, PARAMS), `${checkedJson(RunParamsSchema, params, join(dir, PARAMS), 2)}\n`);
    await tracker.saveMeta();
    await tracker.connectRemote([]);
    return tracker;
  }

  /** Re-opens a run folder to resume it: status back to RUNNING, resume time recorded. */
  static async open(runDir: string, opts: TrackerOptions = {}): Promise<RunTracker> {
    const dir = resolve(runDir);
    const read = async <S extends v.GenericSchema>(name: string, schema: S): Promise<v.InferOutput<S>> => {
      let json: unknown;
      try {
        json = JSON.parse(await readFile(join(dir, name), 'utf8'));
      } catch (err) {
        throw new TrackerError(`${dir} is not a readable run folder: ${name}: ${(err as Error).message}`);
      }
      return checked(schema, json, join(dir, name));
    };
    const meta = await read(META, RunMetaSchema);
    const params = await read(PARAMS, RunParamsSchema);
    await mkdir(join(dir, ARTIFACTS), { recursive: true });
    const tracker = new RunTracker(
      dir,
      { ...meta, status: 'RUNNING', endTime: undefined, resumedAt: [...(meta.resumedAt ?? []), Date.now()] },
      params,
      opts,
    );
    await tracker.saveMeta();
    const epochs = await tracker.readEpochs();
    await tracker.repairMetrics(epochs);
    await tracker.connectRemote(epochs);
    return tracker;
  }

  get dir(): string {
    return this.runDir;
  }

  get id(): string {
    return this.meta.id;
  }

  get status(): RunStatus {
    return this.meta.status;
  }

  /** The run's parameters as stored in params.json. */
  get runParams(): Record<string, unknown> {
    return this.params;
  }

  /** Local path of an artifact (the folders above it are created by the write methods). */
  artifactPath(name: string): string {
    const clean = normalize(name);
    if (!name || isAbsolute(name) || clean.startsWith('..') || clean.split(sep).includes('..')) {
      throw new TrackerError(`Artifact name "${name}" must be a relative path inside the run's artifacts folder.`);
    }
    return join(this.runDir, ARTIFACTS, clean);
  }

  /** Appends one epoch to metrics.jsonl (fsynced) and sends its numbers to MLflow. */
  async logEpoch(record: EpochRecord & Record<string, number | string>): Promise<void> {
    const line = `${checkedJson(EpochLineSchema, record, `${join(this.runDir, METRICS)} (epoch ${record.epoch})`)}\n`;
    const fh = await open(join(this.runDir, METRICS), 'a');
    try {
      await fh.appendFile(line);
      await fh.datasync();
    } finally {
      await fh.close();
    }
    await this.sendEpochs([record]);
  }

  /** Every epoch logged so far, in order; a torn last line from a crash is skipped with a warning. */
  async readEpochs(): Promise<EpochLine[]> {
    let text: string;
    try {
      text = await readFile(join(this.runDir, METRICS), 'utf8');
    } catch {
      return [];
    }
    const lines = text.split('\n').filter((l) => l.trim() !== '');
    const out: EpochLine[] = [];
    lines.forEach((l, i) => {
      let json: unknown;
      try {
        json = JSON.parse(l);
      } catch {
        if (i === lines.length - 1) this.warn(`Ignoring an incomplete last line in ${join(this.runDir, METRICS)} (interrupted write).`);
        else throw new TrackerError(`${join(this.runDir, METRICS)} line ${i + 1} is not valid JSON: ${l.slice(0, 80)}`);
        return;
      }
      out.push(checked(EpochLineSchema, json, `${join(this.runDir, METRICS)} line ${i + 1}`));
    });
    return out;
  }

  /**
   * Keeps only the first `count` epochs in metrics.jsonl (atomically), e.g. when resuming from a
   * checkpoint older than the last logged epoch. MLflow keeps its copy; new epochs overwrite steps.
   */
  async keepEpochs(count: number): Promise<void> {
    const epochs = await this.readEpochs();
    if (count >= epochs.length) return;
    await writeFileAtomic(
      join(this.runDir, METRICS),
      epochs
        .slice(0, count)
        .map((e) => `${JSON.stringify(e)}\n`)
        .join(''),
    );
  }

  /** Rewrites metrics.jsonl without a torn last line, so that new epochs append after valid JSON. */
  private async repairMetrics(valid: EpochRecord[]): Promise<void> {
    const path = join(this.runDir, METRICS);
    const text = await readFile(path, 'utf8').catch(() => '');
    const expected = valid.map((e) => `${JSON.stringify(e)}\n`).join('');
    if (text !== '' && text.split('\n').filter((l) => l.trim() !== '').length !== valid.length) await writeFileAtomic(path, expected);
    else if (text !== '' && !text.endsWith('\n')) await appendFile(path, '\n');
  }

  /** Writes a JSON artifact; one the trainer writes (run-files.ts RUN_ARTIFACTS) is checked against its schema first. */
  async writeJson<N extends string>(name: N, data: RunArtifactData<N>): Promise<void> {
    const text = isRunArtifact(name) ? checkedJson(RUN_ARTIFACTS[name], data, this.artifactPath(name), 2) : JSON.stringify(data, null, 2);
    await this.writeBytes(name, Buffer.from(`${text}\n`));
  }

  async writeText(name: string, text: string): Promise<void> {
    await this.writeBytes(name, Buffer.from(text));
  }

  /** Writes an artifact atomically, then uploads it to MLflow when tracking remotely. */
  async writeBytes(name: string, data: Uint8Array): Promise<void> {
    const path = this.artifactPath(name);
    await writeFileAtomic(path, data);
    const rel = path
      .slice(join(this.runDir, ARTIFACTS).length + 1)
      .split(sep)
      .join('/');
    await this.remoteCall(`upload artifact ${rel}`, (r) => r.client.uploadArtifact(r.experimentId, r.runId, rel, data));
  }

  /** Marks the run ended (locally and on MLflow). Safe to call more than once; the last status wins. */
  async finish(status: 'FINISHED' | 'FAILED' | 'KILLED'): Promise<void> {
    this.meta = { ...this.meta, status, endTime: Date.now() };
    await this.saveMeta();
    await this.remoteCall(`mark the run ${status}`, (r) => r.client.updateRun(r.runId, status, this.meta.endTime));
  }

  private async saveMeta(): Promise<void> {
    await writeFileAtomic(join(this.runDir, META), `${checkedJson(RunMetaSchema, this.meta, join(this.runDir, META), 2)}\n`);
  }

  private trackingUri(): string {
    return (this.opts.trackingUri ?? process.env.MLFLOW_TRACKING_URI ?? '').trim();
  }

  /** Connects to MLflow when configured: reuses the run recorded in meta.json, or creates one and sends params and past epochs. */
  private async connectRemote(pastEpochs: EpochRecord[]): Promise<void> {
    const uri = this.trackingUri();
    if (!uri) return;
    if (!/^https?:\/\//i.test(uri)) {
      this.warn(
        `MLFLOW_TRACKING_URI="${uri}" is not an http(s) URL; only the local run in ${this.runDir} is kept (file-store URIs are not supported).`,
      );
      return;
    }
    const client = new MlflowClient(uri, this.opts.timeoutMs);
    const known = this.meta.mlflow;
    if (known && known.trackingUri === uri) {
      this.remote = { client, experimentId: known.experimentId, runId: known.runId };
      await this.remoteCall('mark the resumed run RUNNING', (r) => r.client.updateRun(r.runId, 'RUNNING'));
      return;
    }
    try {
      const experimentId = await client.experimentId(this.opts.experimentName ?? process.env.MLFLOW_EXPERIMENT_NAME ?? 'endolens');
      const runId = await client.createRun(experimentId, this.meta.id, this.meta.startTime, { 'endolens.localRunDir': this.runDir });
      this.remote = { client, experimentId, runId };
      this.meta.mlflow = { trackingUri: uri, experimentId, runId };
      await this.saveMeta();
    } catch (err) {
      this.disableRemote(`start an MLflow run`, err);
      return;
    }
    await this.remoteCall('log params', (r) => r.client.logBatch(r.runId, [], flattenParams(this.params)));
    if (pastEpochs.length) await this.sendEpochs(pastEpochs);
  }

  private async sendEpochs(records: EpochRecord[]): Promise<void> {
    const timestamp = Date.now();
    const metrics: MlflowMetric[] = [];
    for (const r of records) {
      for (const [key, value] of Object.entries(r)) {
        if (key !== 'epoch' && typeof value === 'number' && Number.isFinite(value)) metrics.push({ key, value, timestamp, step: r.epoch });
      }
    }
    await this.remoteCall(`log epoch ${records.map((r) => r.epoch).join(', ')}`, (r) => r.client.logBatch(r.runId, metrics));
  }

  private disableRemote(what: string, err: unknown): void {
    this.remote = null;
    this.remoteDisabled = true;
    this.warn(
      `MLflow: could not ${what} at ${this.trackingUri()} (${(err as Error).message}). Continuing without MLflow; the run is kept locally in ${this.runDir}.`,
    );
  }

  /** Runs one remote step: an unreachable server turns remote tracking off; an HTTP error is reported and skipped. */
  private async remoteCall(what: string, fn: (r: Remote) => Promise<void>): Promise<void> {
    const r = this.remote;
    if (!r || this.remoteDisabled) return;
    try {
      await fn(r);
    } catch (err) {
      if (err instanceof MlflowError && err.status !== undefined)
        this.warn(`MLflow: could not ${what}: ${err.message}. The local run in ${basename(this.runDir)} has it.`);
      else this.disableRemote(what, err);
    }
  }
}
