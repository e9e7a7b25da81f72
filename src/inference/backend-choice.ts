/**
 * Which tfjs backend runs the model. Pure functions (no tfjs) so the rules are unit-tested with fake
 * timings and adapter infos: a forced backend (URL `?backend=` or settings) wins, then a choice
 * remembered for this model on this device; otherwise the model is ready at once on WASM while the
 * real GPU backends are timed in the background, at the batch size frames are classified with, and
 * the worker switches between batches when one is measurably faster. Software GPU adapters
 * (SwiftShader, llvmpipe, lavapipe) are never timed: they lose to WASM by 15-200x (BENCHMARKS.md).
 */
import { isBackendName, type BackendName, type BackendReason, type BackendRequest, type BackendTiming } from './protocol.ts';

export type BackendSetting = 'auto' | BackendName;

export interface RememberedChoice {
  modelKey: string;
  backend: BackendName;
  timings: BackendTiming[];
  /** deviceKey() where it was chosen; absent in choices saved before it was recorded (they are checked again). */
  device?: string;
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
  const r = opts.remembered;
  if (r) return { mode: 'remembered', backend: r.backend, modelKey: r.modelKey, ...(r.device === undefined ? {} : { device: r.device }) };
  return { mode: 'measure' };
}

/** What the worker does in the background once the model is ready. */
export type BackgroundChoice = 'none' | 'time-gpus' | 'check-device';

/**
 * The backend the model loads on first, and why. Never a measurement: a first visit starts on WASM
 * (reliable on every CPU) and the GPUs are timed afterwards; a remembered choice applies only to the
 * model it was made for.
 */
export function startingBackend(
  request: BackendRequest,
  modelKey: string,
): { backend: BackendName; reason: BackendReason; background: BackgroundChoice } {
  if (request.mode === 'forced') return { backend: request.backend, reason: request.reason, background: 'none' };
  if (request.mode === 'remembered' && request.modelKey === modelKey)
    return { backend: request.backend, reason: 'remembered', background: 'check-device' };
  return { backend: 'wasm', reason: 'measuring', background: 'time-gpus' };
}

/** WebGPU's GPUAdapterInfo, the fields we read (Chrome 127+ has `isFallbackAdapter` there). */
export interface GpuAdapterInfoLike {
  vendor?: string;
  architecture?: string;
  device?: string;
  description?: string;
  isFallbackAdapter?: boolean;
}

/** Names of CPU renderers posing as GPUs: Chrome's SwiftShader, Mesa's llvmpipe / softpipe / lavapipe, Windows' WARP. */
const SOFTWARE_RENDERER = /swiftshader|llvmpipe|softpipe|lavapipe|software|basic render driver/i;

export function describeWebGpuAdapter(info: GpuAdapterInfoLike): string {
  return [info.vendor, info.architecture, info.device, info.description].filter((s) => s?.trim()).join(' ');
}

export function isSoftwareWebGpuAdapter(info: GpuAdapterInfoLike, adapterIsFallback = false): boolean {
  return info.isFallbackAdapter === true || adapterIsFallback || SOFTWARE_RENDERER.test(describeWebGpuAdapter(info));
}

/** WebGL's unmasked renderer (WEBGL_debug_renderer_info), e.g. "ANGLE (Google, Vulkan 1.3.0 (SwiftShader Device ...)". */
export function isSoftwareWebGlRenderer(renderer: string): boolean {
  return SOFTWARE_RENDERER.test(renderer);
}

/** What the worker learns about a GPU backend without running a model on it. */
export interface GpuProbe {
  backend: Exclude<BackendName, 'wasm'>;
  available: boolean;
  /** The adapter (WebGPU) or unmasked renderer (WebGL) as the browser names it; absent when it says nothing. */
  adapter?: string;
  software?: boolean;
}

export function webGpuProbe(info: GpuAdapterInfoLike | undefined, adapterIsFallback = false): GpuProbe {
  if (!info) return { backend: 'webgpu', available: false };
  const adapter = describeWebGpuAdapter(info);
  return {
    backend: 'webgpu',
    available: true,
    ...(adapter ? { adapter } : {}),
    software: isSoftwareWebGpuAdapter(info, adapterIsFallback),
  };
}

/** `renderer` undefined = WebGL2 is there but hides its renderer: timed, since nothing says it is software. */
export function webGlProbe(available: boolean, renderer?: string): GpuProbe {
  if (!available) return { backend: 'webgl', available: false };
  return {
    backend: 'webgl',
    available: true,
    ...(renderer ? { adapter: renderer } : {}),
    software: renderer ? isSoftwareWebGlRenderer(renderer) : false,
  };
}

/** Cores and GPUs: a remembered choice made with other ones is timed again (in the background). */
export function deviceKey(probes: readonly GpuProbe[], cores: number): string {
  const gpus = [...probes]
    .sort((a, b) => a.backend.localeCompare(b.backend))
    .map((p) => `${p.backend}: ${p.available ? (p.adapter ?? 'unnamed') : 'none'}`);
  return [`${cores} cores`, ...gpus].join('; ');
}

export interface TimingPlan {
  /** GPU backends worth timing, in the order to time them: WebGPU (usually the faster), then WebGL. */
  toTime: BackendName[];
  /** The GPU backends not timed and why, for the settings' list. */
  skipped: BackendTiming[];
  /** The reason to show when nothing is timed: only software GPUs, or none at all. */
  reasonIfNone: Extract<BackendReason, 'software-gpu' | 'no-gpu'>;
}

export function planGpuTiming(probes: readonly GpuProbe[], active: BackendName): TimingPlan {
  const order: BackendName[] = ['webgpu', 'webgl'];
  const sorted = [...probes].sort((a, b) => order.indexOf(a.backend) - order.indexOf(b.backend));
  const skipped: BackendTiming[] = sorted
    .filter((p) => !p.available || p.software)
    .map((p) => ({
      backend: p.backend,
      ok: false,
      skipped: p.available ? 'software' : 'unavailable',
      ...(p.adapter ? { adapter: p.adapter } : {}),
    }));
  const toTime = sorted.filter((p) => p.available && !p.software && p.backend !== active).map((p) => p.backend);
  return { toTime, skipped, reasonIfNone: sorted.some((p) => p.available && p.software) ? 'software-gpu' : 'no-gpu' };
}

/** Timed calls per backend after the warm-up call (which compiles shaders and is not counted). */
export const TIMED_CALLS = 3;
/** A candidate whose first timed call is this many times slower per frame than the active backend is not timed further. */
export const CLEARLY_SLOWER = 2;

/** Whether a backend has been timed enough: TIMED_CALLS samples, or one that is clearly slower than `againstMsPerFrame`. */
export function timingDone(msPerFrameSamples: readonly number[], againstMsPerFrame?: number): boolean {
  if (msPerFrameSamples.length >= TIMED_CALLS) return true;
  return msPerFrameSamples.length > 0 && againstMsPerFrame !== undefined && msPerFrameSamples[0] > CLEARLY_SLOWER * againstMsPerFrame;
}

/** A candidate must take at most this share of the active backend's time per frame to replace it (noise is not a reason to switch). */
export const SWITCH_FACTOR = 0.8;

export function shouldSwitch(active: BackendTiming | undefined, candidate: BackendTiming): boolean {
  const ms = (t: BackendTiming | undefined) =>
    t?.ok && typeof t.msPerFrame === 'number' && Number.isFinite(t.msPerFrame) ? t.msPerFrame : undefined;
  const a = ms(active);
  const c = ms(candidate);
  return a !== undefined && c !== undefined && candidate.backend !== active?.backend && c <= a * SWITCH_FACTOR;
}

export function median(xs: readonly number[]): number {
  const s = [...xs].sort((a, b) => a - b);
  return s[Math.floor(s.length / 2)];
}
