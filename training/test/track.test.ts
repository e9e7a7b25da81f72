import { afterAll, beforeAll, describe, expect, it } from 'vitest';
import { createServer, type IncomingMessage, type Server, type ServerResponse } from 'node:http';
import type { AddressInfo } from 'node:net';
import { appendFile, mkdtemp, readFile, readdir, rm } from 'node:fs/promises';
import { tmpdir } from 'node:os';
import { join } from 'node:path';
import { RunTracker, TrackerError, type RunMeta } from '../src/track/run-tracker.ts';
import { flattenParams } from '../src/track/mlflow-client.ts';
import { readJson } from './helpers/json.ts';

interface Call {
  method: string;
  path: string;
  body: string;
}

/** A tiny stand-in for an MLflow server: records every call and answers like MLflow 2.x. */
class FakeMlflow {
  calls: Call[] = [];
  experiments = new Map<string, string>();
  failArtifacts = false;
  private server!: Server;
  url = '';

  async start(): Promise<void> {
    this.server = createServer((req, res) => void this.handle(req, res));
    await new Promise<void>((r) => this.server.listen(0, '127.0.0.1', r));
    this.url = `http://127.0.0.1:${(this.server.address() as AddressInfo).port}`;
  }

  private async handle(req: IncomingMessage, res: ServerResponse): Promise<void> {
    const chunks: Buffer[] = [];
    for await (const c of req) chunks.push(c as Buffer);
    const body = Buffer.concat(chunks).toString('latin1');
    const url = new URL(req.url ?? '/', 'http://x');
    this.calls.push({ method: req.method ?? '', path: url.pathname + url.search, body });
    const send = (status: number, json: unknown) => {
      res.writeHead(status, { 'Content-Type': 'application/json' });
      res.end(JSON.stringify(json));
    };
    if (url.pathname === '/api/2.0/mlflow/experiments/get-by-name') {
      const id = this.experiments.get(url.searchParams.get('experiment_name') ?? '');
      return id
        ? send(200, { experiment: { experiment_id: id } })
        : send(404, { error_code: 'RESOURCE_DOES_NOT_EXIST', message: 'no such experiment' });
    }
    if (url.pathname === '/api/2.0/mlflow/experiments/create') {
      const id = String(this.experiments.size + 7);
      this.experiments.set((JSON.parse(body) as { name: string }).name, id);
      return send(200, { experiment_id: id });
    }
    if (url.pathname === '/api/2.0/mlflow/runs/create') return send(200, { run: { info: { run_id: `run${this.calls.length}` } } });
    if (url.pathname === '/api/2.0/mlflow/runs/log-batch' || url.pathname === '/api/2.0/mlflow/runs/update') return send(200, {});
    if (url.pathname.startsWith('/api/2.0/mlflow-artifacts/artifacts/') && req.method === 'PUT') {
      return this.failArtifacts ? send(503, { message: 'artifact store down' }) : send(200, {});
    }
    send(404, { error_code: 'ENDPOINT_NOT_FOUND' });
  }

  stop(): Promise<void> {
    return new Promise((r) => this.server.close(() => r()));
  }

  json(path: string): unknown[] {
    return this.calls.filter((c) => c.path.startsWith(path)).map((c): unknown => JSON.parse(c.body));
  }
}

let tmp: string;
let server: FakeMlflow;
beforeAll(async () => {
  tmp = await mkdtemp(join(tmpdir(), 'endolens-track-'));
  server = new FakeMlflow();
  await server.start();
});
afterAll(async () => {
  await server.stop();
  await rm(tmp, { recursive: true, force: true });
});

const epoch = (phase: string, n: number) => ({
  phase,
  epoch: n,
  loss: 1 / n,
  accuracy: 0.5 + n / 100,
  valLoss: 1.2 / n,
  valAccuracy: 0.5 + n / 120,
});

describe('RunTracker, local run folder', () => {
  it('writes meta, params, metrics.jsonl and artifacts, and reads epochs back', async () => {
    const t = await RunTracker.create(join(tmp, 'runs'), { lr: 1e-4, schedule: { warmup: 2 } }, { id: 'local1', trackingUri: '' });
    expect(t.id).toBe('local1');
    expect(t.dir).toBe(join(tmp, 'runs', 'local1'));
    await t.logEpoch(epoch('warm-up', 1));
    await t.logEpoch({ ...epoch('warm-up', 2), imagesPerSecond: 12.5 });
    await t.writeJson('eval/test.json', { accuracy: 0.9 });
    await t.writeText('plots/loss.svg', '<svg/>');
    await t.finish('FINISHED');

    const meta = await readJson<RunMeta>(join(t.dir, 'meta.json'));
    expect(meta).toMatchObject({ id: 'local1', status: 'FINISHED' });
    expect(meta.endTime).toBeGreaterThanOrEqual(meta.startTime);
    expect(JSON.parse(await readFile(join(t.dir, 'params.json'), 'utf8'))).toEqual({ lr: 1e-4, schedule: { warmup: 2 } });
    const lines = (await readFile(join(t.dir, 'metrics.jsonl'), 'utf8')).trim().split('\n');
    expect(lines).toHaveLength(2);
    expect((JSON.parse(lines[1]) as { imagesPerSecond?: number }).imagesPerSecond).toBe(12.5);
    expect(await t.readEpochs()).toEqual([epoch('warm-up', 1), { ...epoch('warm-up', 2), imagesPerSecond: 12.5 }]);
    expect(JSON.parse(await readFile(join(t.dir, 'artifacts', 'eval', 'test.json'), 'utf8'))).toEqual({ accuracy: 0.9 });
    expect((await readdir(join(t.dir, 'artifacts'))).sort()).toEqual(['eval', 'plots']);
  });

  it('generates sortable ids, refuses to overwrite a run and rejects unsafe names', async () => {
    const t = await RunTracker.create(join(tmp, 'runs'), {}, { trackingUri: '' });
    expect(t.id).toMatch(/^\d{8}-\d{6}-[0-9a-f]{4}$/);
    await expect(RunTracker.create(join(tmp, 'runs'), {}, { id: t.id, trackingUri: '' })).rejects.toThrow(/already exists; resume it/);
    await expect(RunTracker.create(join(tmp, 'runs'), {}, { id: '../evil', trackingUri: '' })).rejects.toThrow(TrackerError);
    await expect(t.writeText('../../escape.txt', 'x')).rejects.toThrow(/relative path inside/);
  });

  it('resumes: open() marks the run RUNNING again, keeps its epochs, skips a torn last line', async () => {
    const warnings: string[] = [];
    const t = await RunTracker.create(join(tmp, 'runs'), { seed: 1 }, { id: 'resume1', trackingUri: '' });
    await t.logEpoch(epoch('warm-up', 1));
    await t.logEpoch(epoch('warm-up', 2));
    await t.finish('KILLED');
    await appendFile(join(t.dir, 'metrics.jsonl'), '{"phase":"fine-tune","epo'); // crash mid-append

    const r = await RunTracker.open(t.dir, { trackingUri: '', warn: (m) => warnings.push(m) });
    expect(r.id).toBe('resume1');
    expect(r.runParams).toEqual({ seed: 1 });
    expect(r.status).toBe('RUNNING');
    expect((await r.readEpochs()).map((e) => e.epoch)).toEqual([1, 2]);
    expect(warnings.join()).toMatch(/incomplete last line/);
    // The torn line is gone, so the next epoch appends cleanly.
    await r.logEpoch(epoch('fine-tune', 3));
    expect((await r.readEpochs()).map((e) => e.epoch)).toEqual([1, 2, 3]);
    expect(warnings).toHaveLength(1);
    // Back to an older checkpoint: drop the epochs after it.
    await r.keepEpochs(1);
    await r.logEpoch(epoch('warm-up', 2));
    expect((await r.readEpochs()).map((e) => e.epoch)).toEqual([1, 2]);
    const meta = await readJson<RunMeta>(join(t.dir, 'meta.json'));
    expect(meta.status).toBe('RUNNING');
    expect(meta.resumedAt).toHaveLength(1);
    await expect(RunTracker.open(join(tmp, 'runs', 'nope'))).rejects.toThrow(/not a readable run folder/);
  });
});

describe('RunTracker with an MLflow server', () => {
  it('creates the experiment and run, logs params, per-epoch metrics, artifacts and the end', async () => {
    server.calls = [];
    const t = await RunTracker.create(
      join(tmp, 'runs'),
      { lr: 0.001, model: { backbone: 'mobilenetv2', alpha: 0.35 } },
      {
        id: 'remote1',
        trackingUri: server.url,
        experimentName: 'endolens-test',
      },
    );
    await t.logEpoch(epoch('warm-up', 1));
    await t.logEpoch(epoch('fine-tune', 2));
    await t.writeJson('eval/test.json', { accuracy: 0.75 });
    await t.writeBytes('checkpoints/best.bin', Uint8Array.from([0, 255, 7]));
    await t.finish('FINISHED');

    const paths = server.calls.map((c) => `${c.method} ${c.path.split('?')[0]}`);
    expect(paths).toEqual([
      'GET /api/2.0/mlflow/experiments/get-by-name',
      'POST /api/2.0/mlflow/experiments/create',
      'POST /api/2.0/mlflow/runs/create',
      'POST /api/2.0/mlflow/runs/log-batch',
      'POST /api/2.0/mlflow/runs/log-batch',
      'POST /api/2.0/mlflow/runs/log-batch',
      'PUT /api/2.0/mlflow-artifacts/artifacts/7/run3/artifacts/eval/test.json',
      'PUT /api/2.0/mlflow-artifacts/artifacts/7/run3/artifacts/checkpoints/best.bin',
      'POST /api/2.0/mlflow/runs/update',
    ]);
    expect(server.calls[0].path).toContain('experiment_name=endolens-test');
    const [create] = server.json('/api/2.0/mlflow/runs/create') as { experiment_id: string; run_name: string; start_time: number }[];
    expect(create).toMatchObject({ experiment_id: '7', run_name: 'remote1' });
    const batches = server.json('/api/2.0/mlflow/runs/log-batch') as {
      run_id: string;
      params: { key: string; value: string }[];
      metrics: { key: string; value: number; step: number }[];
    }[];
    expect(batches.every((b) => b.run_id === 'run3')).toBe(true);
    expect(batches[0].params).toEqual([
      { key: 'lr', value: '0.001' },
      { key: 'model.backbone', value: 'mobilenetv2' },
      { key: 'model.alpha', value: '0.35' },
    ]);
    const m2 = batches[2].metrics;
    expect(m2.map((m) => m.key).sort()).toEqual(['accuracy', 'loss', 'valAccuracy', 'valLoss']);
    expect(m2.every((m) => m.step === 2)).toBe(true);
    expect(m2.find((m) => m.key === 'valLoss')?.value).toBeCloseTo(0.6);
    expect(server.calls[7].body).toBe(Buffer.from([0, 255, 7]).toString('latin1'));
    expect(JSON.parse(server.calls[6].body)).toEqual({ accuracy: 0.75 });
    expect(server.json('/api/2.0/mlflow/runs/update')[0]).toMatchObject({ run_id: 'run3', status: 'FINISHED' });
    const meta = await readJson<RunMeta>(join(t.dir, 'meta.json'));
    expect(meta.mlflow).toEqual({ trackingUri: server.url, experimentId: '7', runId: 'run3' });

    // Resuming continues the same MLflow run: no new run, status back to RUNNING.
    server.calls = [];
    const r = await RunTracker.open(t.dir, { trackingUri: server.url });
    await r.logEpoch(epoch('fine-tune', 3));
    expect(server.calls.map((c) => c.path)).toEqual(['/api/2.0/mlflow/runs/update', '/api/2.0/mlflow/runs/log-batch']);
    expect(server.json('/api/2.0/mlflow/runs/update')[0]).toEqual({ run_id: 'run3', status: 'RUNNING' });
  });

  it('reports an HTTP error on one call and carries on with the rest', async () => {
    server.calls = [];
    server.failArtifacts = true;
    const warnings: string[] = [];
    const t = await RunTracker.create(
      join(tmp, 'runs'),
      {},
      { id: 'remote2', trackingUri: server.url, experimentName: 'endolens-test', warn: (m) => warnings.push(m) },
    );
    await t.writeText('notes.txt', 'hello');
    await t.logEpoch(epoch('warm-up', 1));
    server.failArtifacts = false;
    expect(warnings).toHaveLength(1);
    expect(warnings[0]).toMatch(/upload artifact notes\.txt.*HTTP 503: artifact store down/);
    expect(server.calls.at(-1)?.path).toBe('/api/2.0/mlflow/runs/log-batch');
    expect(await readFile(join(t.dir, 'artifacts', 'notes.txt'), 'utf8')).toBe('hello');
  });

  it('keeps the local run and warns once when the server is unreachable', async () => {
    const dead = createServer();
    await new Promise<void>((r) => dead.listen(0, '127.0.0.1', r));
    const port = (dead.address() as AddressInfo).port;
    await new Promise((r) => dead.close(r));
    const warnings: string[] = [];
    const t = await RunTracker.create(
      join(tmp, 'runs'),
      { a: 1 },
      { id: 'offline', trackingUri: `http://127.0.0.1:${port}`, warn: (m) => warnings.push(m), timeoutMs: 2000 },
    );
    await t.logEpoch(epoch('warm-up', 1));
    await t.writeJson('x.json', { ok: true });
    await t.finish('FINISHED');
    expect(warnings).toHaveLength(1);
    expect(warnings[0]).toMatch(
      new RegExp(`could not start an MLflow run at http://127.0.0.1:${port} \\(cannot reach .*ECONNREFUSED.*kept locally`),
    );
    expect((await t.readEpochs()).length).toBe(1);
    expect((await readJson<RunMeta>(join(t.dir, 'meta.json'))).status).toBe('FINISHED');
  });

  it('warns about a non-http tracking URI instead of failing', async () => {
    const warnings: string[] = [];
    await RunTracker.create(join(tmp, 'runs'), {}, { id: 'fileuri', trackingUri: 'file:///tmp/mlruns', warn: (m) => warnings.push(m) });
    expect(warnings[0]).toMatch(/not an http\(s\) URL/);
  });
});

describe('flattenParams', () => {
  it('flattens nested objects and stringifies values, cutting very long ones', () => {
    const p = flattenParams({ a: { b: { c: 1 } }, list: [1, 2], s: 'x'.repeat(7000), skip: undefined, n: null });
    expect(p.slice(0, 2)).toEqual([
      { key: 'a.b.c', value: '1' },
      { key: 'list', value: '[1,2]' },
    ]);
    expect(p[2].value.length).toBe(6000);
    expect(p[3]).toEqual({ key: 'n', value: 'null' });
    expect(p).toHaveLength(4);
  });
});
