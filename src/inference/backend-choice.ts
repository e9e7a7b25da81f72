/**
 * Which tfjs backend runs the model. Pure functions (no tfjs) so the rules are unit-tested with
 * fake timings: a forced backend (URL `?backend=` or settings) wins, then a choice remembered for
 * this model, else every available candidate is measured and the fastest kept.
 */
import { BACKEND_ORDER, isBackendName, type BackendName, type BackendRequest, type BackendTiming } from './protocol.ts';

export type BackendSetting = 'auto' | BackendName;

export interface RememberedChoice {
  modelKey: string;
  backend: BackendName;
  timings: BackendTiming[];
}

/** `?backend=wasm|webgl|webgpu` in the page URL: the automation hook used by bench and parity tests. */
export function backendFromUrl(search: string): BackendName | undefined {
  const value = new URLSearchParams(search).get('backend');
  return isBackendName(value) ? value : undefined;
}

export function resolveBackendRequest(opts: {
  urlBackend?: BackendName;
  setting: BackendSetting;
  remembered?: RememberedChoice;
}): BackendRequest {
  if (opts.urlBackend) return { mode: 'forced', backend: opts.urlBackend, reason: 'url' };
  if (opts.setting !== 'auto') return { mode: 'forced', backend: opts.setting, reason: 'settings' };
  if (opts.remembered) return { mode: 'remembered', backend: opts.remembered.backend, modelKey: opts.remembered.modelKey };
  return { mode: 'measure' };
}

/**
 * The fastest backend that worked. Ties go to the earlier entry of BACKEND_ORDER (WASM first), so a
 * software GPU adapter never wins over WASM unless it is measurably faster.
 */
export function pickFastest(timings: readonly BackendTiming[]): BackendName {
  const ok = timings.filter(
    (t): t is BackendTiming & { msPerFrame: number } => t.ok && typeof t.msPerFrame === 'number' && Number.isFinite(t.msPerFrame),
  );
  if (!ok.length) {
    const tried = timings.map((t) => `${t.backend}: ${t.error ?? 'no timing'}`).join('; ');
    throw new Error(`No backend could run the model (${tried || 'none available'}).`);
  }
  const rank = (b: BackendName) => BACKEND_ORDER.indexOf(b);
  ok.sort((a, b) => a.msPerFrame - b.msPerFrame || rank(a.backend) - rank(b.backend));
  return ok[0].backend;
}

/** A candidate whose warm-up already took this many times the best timed frame is not worth timing. */
export const SLOW_WARMUP_FACTOR = 20;
