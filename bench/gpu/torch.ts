/**
 * The optional PyTorch reference of the GPU bench: bench/torch_ref.py, run with python3 when that
 * imports torch, after the tfjs timings (so the two never share the GPU). Anything missing is a
 * reason to skip, never a failure: the bench must not need Python.
 */
import { execFile, spawnSync } from 'node:child_process';

export interface TorchInferenceRow {
  model: string;
  batch: number;
  size: number;
  msPerCall: number;
  calls: number;
}

export interface TorchTrainRow {
  model: string;
  phase: string;
  batch: number;
  size: number;
  msPerStep: number;
  imagesPerS: number;
  steps: number;
}

export interface TorchResult {
  ran: true;
  torch: string;
  /** null where torchvision could not be imported: torch_ref.py's own copies of its two models ran. */
  torchvision: string | null;
  python: string;
  device: 'cuda' | 'cpu';
  deviceName: string;
  cuda: string | null;
  cudnn: number | null;
  threads: number;
  settings: string;
  /** What stands for each of our models (torchvision's ResNet50 is v1). */
  models: Record<string, string>;
  inference: TorchInferenceRow[];
  train: TorchTrainRow[];
  wallS: number;
}

export type TorchOutcome = TorchResult | { ran: false; reason: string };

export interface TorchPlan {
  embeddedBatches: number[];
  resnetBatches: number[];
  embeddedSize: number;
  resnetSize: number;
  trainBatch: number;
  warmup: number;
  reps: number;
  trainReps: number;
  classes: number;
  alpha: number;
}

/** Why the reference cannot run here, or undefined when `python` imports torch (torchvision is optional there). */
export function torchMissing(python: string): string | undefined {
  const r = spawnSync(python, ['-c', 'import torch'], { encoding: 'utf8', timeout: 120_000 });
  if (r.error) return `no ${python} here (${(r.error as NodeJS.ErrnoException).code ?? r.error.message})`;
  if (r.status !== 0) {
    const last = r.stderr.trim().split('\n').pop() ?? `exit ${r.status}`;
    return `${python} cannot import torch (${last})`;
  }
  return undefined;
}

export async function runTorchRef(python: string, script: string, plan: TorchPlan, timeoutMs: number): Promise<TorchOutcome> {
  const missing = torchMissing(python);
  if (missing) return { ran: false, reason: missing };
  const args = [
    script,
    `--embedded-batches=${plan.embeddedBatches.join(',')}`,
    `--resnet-batches=${plan.resnetBatches.join(',')}`,
    `--embedded-size=${plan.embeddedSize}`,
    `--resnet-size=${plan.resnetSize}`,
    `--train-batch=${plan.trainBatch}`,
    `--warmup=${plan.warmup}`,
    `--reps=${plan.reps}`,
    `--train-reps=${plan.trainReps}`,
    `--classes=${plan.classes}`,
    `--alpha=${plan.alpha}`,
  ];
  const t0 = performance.now();
  return new Promise((done) => {
    const child = execFile(python, args, { encoding: 'utf8', timeout: timeoutMs, maxBuffer: 16 << 20 }, (err, stdout) => {
      if (err) {
        done({ ran: false, reason: `torch_ref.py failed: ${err.message.split('\n').slice(0, 3).join(' ')}` });
        return;
      }
      try {
        const line = stdout.trim().split('\n').pop() ?? '';
        const parsed = JSON.parse(line) as Omit<TorchResult, 'ran' | 'wallS'>;
        done({ ...parsed, ran: true, wallS: (performance.now() - t0) / 1000 });
      } catch (e) {
        done({ ran: false, reason: `torch_ref.py printed no JSON (${e instanceof Error ? e.message : String(e)})` });
      }
    });
    // Its progress lines, as they come, beside ours.
    child.stderr?.on('data', (d: string) => process.stderr.write(d));
  });
}
