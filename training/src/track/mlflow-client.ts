/**
 * The few MLflow REST calls a training run needs (MLflow 2.x tracking API and artifact proxy):
 * experiments/get-by-name|create, runs/create, runs/log-batch, runs/update, and artifact upload by
 * PUT /api/2.0/mlflow-artifacts/artifacts/<experiment>/<run>/artifacts/<path> (a server started
 * with --serve-artifacts, the default since MLflow 2.0). Auth from MLFLOW_TRACKING_TOKEN (bearer) or
 * MLFLOW_TRACKING_USERNAME/PASSWORD (basic), as MLflow's own client reads them.
 */

export class MlflowError extends Error {
  override name = 'MlflowError';
  constructor(
    message: string,
    readonly status?: number,
    readonly errorCode?: string,
  ) {
    super(message);
  }
}

export interface MlflowMetric {
  key: string;
  value: number;
  timestamp: number;
  step: number;
}

export interface MlflowParam {
  key: string;
  value: string;
}

/** MLflow's batch limits (log-batch): 1000 metrics, 100 params per request. */
const MAX_METRICS = 1000;
const MAX_PARAMS = 100;
/** MLflow 2.x accepts param values up to 6000 characters. */
export const MAX_PARAM_VALUE = 6000;

export class MlflowClient {
  constructor(
    readonly baseUrl: string,
    private readonly timeoutMs = 10000,
    private readonly env: NodeJS.ProcessEnv = process.env,
  ) {
    this.baseUrl = baseUrl.replace(/\/+$/, '');
  }

  private headers(extra: Record<string, string> = {}): Record<string, string> {
    const h: Record<string, string> = { ...extra };
    if (this.env.MLFLOW_TRACKING_TOKEN) h.Authorization = `Bearer ${this.env.MLFLOW_TRACKING_TOKEN}`;
    else if (this.env.MLFLOW_TRACKING_USERNAME) {
      h.Authorization = `Basic ${Buffer.from(`${this.env.MLFLOW_TRACKING_USERNAME}:${this.env.MLFLOW_TRACKING_PASSWORD ?? ''}`).toString('base64')}`;
    }
    return h;
  }

  private async request(method: 'GET' | 'POST' | 'PUT', path: string, body?: unknown, raw?: Uint8Array): Promise<unknown> {
    const url = `${this.baseUrl}${path}`;
    let res: Response;
    try {
      res = await fetch(url, {
        method,
        headers: this.headers(
          raw ? { 'Content-Type': 'application/octet-stream' } : body !== undefined ? { 'Content-Type': 'application/json' } : {},
        ),
        body: raw ?? (body !== undefined ? JSON.stringify(body) : undefined),
        signal: AbortSignal.timeout(this.timeoutMs),
      });
    } catch (err) {
      const cause = (err as { cause?: { code?: string; message?: string } }).cause;
      throw new MlflowError(`cannot reach ${url}: ${cause?.code ?? cause?.message ?? (err as Error).message}`);
    }
    const text = await res.text();
    let json: unknown;
    try {
      json = text ? JSON.parse(text) : {};
    } catch {
      json = undefined;
    }
    if (!res.ok) {
      const e = (json ?? {}) as { error_code?: string; message?: string };
      throw new MlflowError(
        `${method} ${path} -> HTTP ${res.status}${e.message ? `: ${e.message}` : text ? `: ${text.slice(0, 200)}` : ''}`,
        res.status,
        e.error_code,
      );
    }
    return json ?? {};
  }

  /** The experiment's id, creating it when it does not exist yet. */
  async experimentId(name: string): Promise<string> {
    try {
      const r = (await this.request('GET', `/api/2.0/mlflow/experiments/get-by-name?experiment_name=${encodeURIComponent(name)}`)) as {
        experiment?: { experiment_id?: string };
      };
      if (r.experiment?.experiment_id) return r.experiment.experiment_id;
    } catch (err) {
      if (!(err instanceof MlflowError) || err.errorCode !== 'RESOURCE_DOES_NOT_EXIST') throw err;
    }
    const created = (await this.request('POST', '/api/2.0/mlflow/experiments/create', { name })) as { experiment_id?: string };
    if (!created.experiment_id) throw new MlflowError(`experiments/create for "${name}" returned no experiment_id`);
    return created.experiment_id;
  }

  async createRun(experimentId: string, runName: string, startTime: number, tags: Record<string, string> = {}): Promise<string> {
    const r = (await this.request('POST', '/api/2.0/mlflow/runs/create', {
      experiment_id: experimentId,
      run_name: runName,
      start_time: startTime,
      tags: Object.entries({ 'mlflow.runName': runName, ...tags }).map(([key, value]) => ({ key, value })),
    })) as { run?: { info?: { run_id?: string } } };
    const id = r.run?.info?.run_id;
    if (!id) throw new MlflowError('runs/create returned no run_id');
    return id;
  }

  /** Sends metrics and params in as many requests as MLflow's per-request limits need. */
  async logBatch(runId: string, metrics: MlflowMetric[] = [], params: MlflowParam[] = []): Promise<void> {
    for (let i = 0; i < params.length; i += MAX_PARAMS) {
      await this.request('POST', '/api/2.0/mlflow/runs/log-batch', {
        run_id: runId,
        metrics: [],
        params: params.slice(i, i + MAX_PARAMS),
        tags: [],
      });
    }
    for (let i = 0; i < metrics.length; i += MAX_METRICS) {
      await this.request('POST', '/api/2.0/mlflow/runs/log-batch', {
        run_id: runId,
        metrics: metrics.slice(i, i + MAX_METRICS),
        params: [],
        tags: [],
      });
    }
  }

  async updateRun(runId: string, status: 'RUNNING' | 'FINISHED' | 'FAILED' | 'KILLED', endTime?: number): Promise<void> {
    await this.request('POST', '/api/2.0/mlflow/runs/update', {
      run_id: runId,
      status,
      ...(endTime !== undefined ? { end_time: endTime } : {}),
    });
  }

  async uploadArtifact(experimentId: string, runId: string, path: string, data: Uint8Array): Promise<void> {
    const safe = path.split('/').map(encodeURIComponent).join('/');
    await this.request(
      'PUT',
      `/api/2.0/mlflow-artifacts/artifacts/${encodeURIComponent(experimentId)}/${encodeURIComponent(runId)}/artifacts/${safe}`,
      undefined,
      data,
    );
  }
}

/** Nested params -> MLflow's flat string params (`a.b.c`), values stringified and cut to MLflow's limit. */
export function flattenParams(params: Record<string, unknown>, prefix = ''): MlflowParam[] {
  const out: MlflowParam[] = [];
  for (const [k, v] of Object.entries(params)) {
    const key = prefix ? `${prefix}.${k}` : k;
    if (v !== null && typeof v === 'object' && !Array.isArray(v)) out.push(...flattenParams(v as Record<string, unknown>, key));
    else if (v !== undefined) {
      const s = typeof v === 'string' ? v : JSON.stringify(v);
      out.push({ key, value: s.length > MAX_PARAM_VALUE ? `${s.slice(0, MAX_PARAM_VALUE - 3)}...` : s });
    }
  }
  return out;
}
