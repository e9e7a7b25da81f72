/**
 * Console progress for training: one bar per epoch (images/s, ETA, running loss and accuracy) on
 * a terminal, and one summary line per epoch always. When stderr is not a terminal (CI, a log file)
 * only the summary lines are printed.
 */
import cliProgress from 'cli-progress';
import type { EpochRecord } from '../../../src/core/metadata.ts';
import type { BatchProgress } from '../schedule/trainer.ts';

export interface ProgressSink {
  /** Before an epoch's first batch. */
  startEpoch(label: string, total: number): void;
  batch(p: BatchProgress): void;
  /** After validation: ends the bar and prints the summary line (images/s over the training batches). */
  endEpoch(record: EpochRecord, totalEpochs: number, seconds: number, note?: string): void;
  /** Free text (stages, warnings), printed above any bar. */
  log(line: string): void;
  stop(): void;
}

export interface ConsoleProgressOptions {
  /** Where summary lines go (default: console.log). */
  print?: (line: string) => void;
  /** Force the bar on or off (default: on when stderr is a TTY). */
  bar?: boolean;
  stream?: NodeJS.WriteStream;
}

const fmt = (v: number, digits = 4) => (Number.isFinite(v) ? v.toFixed(digits) : String(v));

export function formatEpochSummary(r: EpochRecord, totalEpochs: number, seconds: number, imagesPerSecond: number): string {
  return (
    `epoch ${r.epoch}/${totalEpochs} [${r.phase}] ${seconds.toFixed(1)}s ${imagesPerSecond.toFixed(1)} img/s - ` +
    `loss ${fmt(r.loss)} acc ${fmt(r.accuracy)} - val_loss ${fmt(r.valLoss)} val_acc ${fmt(r.valAccuracy)}`
  );
}

export function consoleProgress(opts: ConsoleProgressOptions = {}): ProgressSink {
  const stream = opts.stream ?? process.stderr;
  const useBar = opts.bar ?? Boolean(stream.isTTY);
  const print = opts.print ?? ((line: string) => console.log(line));
  let bar: cliProgress.SingleBar | null = null;
  let started = 0;
  let seen = 0;
  let trainSeconds = 0;

  const stopBar = () => {
    bar?.stop();
    bar = null;
  };

  return {
    startEpoch(label, total) {
      started = performance.now();
      seen = 0;
      trainSeconds = 0;
      if (!useBar) return;
      bar = new cliProgress.SingleBar(
        {
          stream,
          format: `${label} |{bar}| {value}/{total} img | {speed} img/s | ETA {eta_formatted} | loss {loss} acc {acc}`,
          etaBuffer: 20,
          hideCursor: true,
          clearOnComplete: true,
        },
        cliProgress.Presets.shades_classic,
      );
      bar.start(total, 0, { speed: '-', loss: '-', acc: '-' });
    },
    batch(p) {
      seen = p.seen;
      trainSeconds = (performance.now() - started) / 1000;
      bar?.update(p.seen, { speed: (p.seen / Math.max(trainSeconds, 1e-9)).toFixed(1), loss: fmt(p.loss), acc: fmt(p.accuracy) });
    },
    endEpoch(record, totalEpochs, seconds, note) {
      stopBar();
      print(formatEpochSummary(record, totalEpochs, seconds, seen / Math.max(trainSeconds, 1e-9)) + (note ? ` ${note}` : ''));
    },
    log(line) {
      if (bar) {
        // cli-progress redraws over the current line; print above it.
        stream.write('\n');
      }
      print(line);
    },
    stop: stopBar,
  };
}

/** A sink that records everything, for tests and library use. */
export function silentProgress(): ProgressSink & { lines: string[] } {
  const lines: string[] = [];
  return {
    lines,
    startEpoch() {},
    batch() {},
    endEpoch(record, totalEpochs, seconds, note) {
      lines.push(formatEpochSummary(record, totalEpochs, seconds, 0) + (note ? ` ${note}` : ''));
    },
    log(line) {
      lines.push(line);
    },
    stop() {},
  };
}
