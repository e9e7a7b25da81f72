/**
 * `npm run train -- --data DIR [flags]`: every number of the schedule is a flag whose default is
 * the original Keras script's. Relative paths are resolved against the folder the command was run
 * from (npm runs workspace scripts inside training/, and sets INIT_CWD to the user's folder).
 */
import { Command, InvalidArgumentError, Option } from 'commander';
import { basename, isAbsolute, relative, resolve } from 'node:path';
import { pathToFileURL } from 'node:url';
import { BACKEND_PREFERENCES } from './backend.ts';
import { QUANTIZATIONS } from './export/io.ts';
import { BACKBONES } from './models/index.ts';
import { consoleProgress } from './progress/epoch-progress.ts';
import { DEFAULT_OPTIONS, RESUMABLE_OVERRIDES, validateOptions, type TrainOptions } from './train-options.ts';

export type CliCommand =
  | { kind: 'train'; options: TrainOptions }
  | { kind: 'resume'; runDir: string; overrides: Partial<TrainOptions> }
  /** Fit the unfamiliar-frame check for an already exported model (src/core/familiarity.ts). */
  | {
      kind: 'familiarity';
      modelDir: string;
      data: string;
      extraTrain: string[];
      reportUnfamiliar: string[];
      backend: TrainOptions['backend'];
      batchSize: number;
      concurrency?: number;
    };

function intArg(flag: string, min: number) {
  return (value: string): number => {
    if (!/^[+-]?\d+$/.test(value.trim())) throw new InvalidArgumentError(`${flag} must be an integer, got "${value}".`);
    const n = Number(value);
    if (n < min) throw new InvalidArgumentError(`${flag} must be >= ${min}, got ${value}.`);
    return n;
  };
}

function floatArg(flag: string, check: (n: number) => boolean, what: string) {
  return (value: string): number => {
    const n = Number(value);
    if (value.trim() === '' || !Number.isFinite(n) || !check(n)) throw new InvalidArgumentError(`${flag} must be ${what}, got "${value}".`);
    return n;
  };
}

const lr = (flag: string) => floatArg(flag, (n) => n > 0 && n < 1, 'a learning rate in (0, 1), e.g. 1e-4');

/** The folder the user ran the command from (npm's INIT_CWD), for relative paths. */
export function userCwd(env: NodeJS.ProcessEnv = process.env): string {
  return env.INIT_CWD && isAbsolute(env.INIT_CWD) ? env.INIT_CWD : process.cwd();
}

function isLocalWeights(w: string): boolean {
  return !['imagenet', 'none'].includes(w) && !/^[a-z]+:\/\//i.test(w);
}

function quote(arg: string): string {
  return /^[\w@%+=:,./-]+$/.test(arg) ? arg : `'${arg.replace(/'/g, `'\\''`)}'`;
}

/** The command line as the user typed it (as far as npm lets us see it). */
export function commandLine(argv: string[], env: NodeJS.ProcessEnv = process.env): string {
  const args = argv.map(quote).join(' ');
  return env.npm_lifecycle_event === 'train' ? `npm run train -- ${args}` : `node --import tsx training/src/cli.ts ${args}`;
}

function program(): Command {
  const d = DEFAULT_OPTIONS;
  return new Command('train')
    .description('Fine-tune the EndoLens classifier (warm-up, then fine-tune) and optionally export it for the app.')
    .option('--data <path>', 'dataset: folder with train/ val/ test/ class folders, or the dataset zip(s)')
    .option(
      '--extra-train <dir>',
      "folder of class folders (the dataset's class names) added to the train split only; repeatable",
      (v: string, prev: string[] = []) => [...prev, v],
    )
    .addOption(new Option('--backbone <name>', 'backbone').choices(BACKBONES).default(d.backbone))
    .option('--weights <source>', 'imagenet | none | path (.h5 or tfjs model) | URL', d.weights)
    .option(
      '--alpha <n>',
      'MobileNetV2 width (default: from the weights, else 1.0)',
      floatArg('--alpha', (n) => n > 0, 'a positive number'),
    )
    .option('--export <dir>', 'write model.json, weight shards and metadata.json here (e.g. public/model)')
    .addOption(new Option('--quantize <dtype>', 'quantize exported weights').choices(QUANTIZATIONS))
    .option(
      '--report-unfamiliar <dir>',
      'folder of frames of a finding the model never learned: the export records the share its unfamiliar-frame check flags (never trained on); repeatable',
      (v: string, prev: string[] = []) => [...prev, v],
    )
    .option(
      '--compare-with <dir>',
      'an exported model this export replaces: evaluated on the same frames and recorded in metadata.json (may be the --export folder itself)',
    )
    .option('--no-calibrate', 'do not fit and bake a temperature into the export')
    .option('--no-augment', 'train without augmentation (the original augments)')
    .option('--color-augment', 'also jitter white balance, contrast, saturation and brightness of training images (not in the original)')
    .option(
      '--label-smoothing <e>',
      'label smoothing of the training loss, e.g. 0.1 (default 0: the original)',
      floatArg('--label-smoothing', (n) => n >= 0 && n < 0.5, 'a number in [0, 0.5)'),
      d.labelSmoothing,
    )
    .option('--warmup-epochs <n>', 'warm-up epochs, backbone frozen', intArg('--warmup-epochs', 0), d.warmupEpochs)
    .option('--epochs <n>', 'fine-tune epochs', intArg('--epochs', 0), d.epochs)
    .option('--lr <rate>', 'fine-tune learning rate (Adam)', lr('--lr'), d.lr)
    .option('--warmup-lr <rate>', 'warm-up learning rate (Adam)', lr('--warmup-lr'), d.warmupLr)
    .option('--unfreeze <n>', "backbone's last layers trained in the fine-tune", intArg('--unfreeze', 0), d.unfreeze)
    .option('--batch <n>', 'batch size', intArg('--batch', 1), d.batchSize)
    .option('--seed <n>', 'random seed (shuffling, augmentation, dropout, head init)', intArg('--seed', 0), d.seed)
    .option('--input-size <n>', 'input size in pixels (square)', intArg('--input-size', 32), d.inputSize)
    .option('--runs-dir <dir>', 'where runs/<id>/ folders go', d.runsDir)
    .option('--run-id <id>', 'name of the run folder (default: date-time-random)')
    .option('--resume <runDir>', 'continue an interrupted run from its last finished epoch')
    .option(
      '--refit-familiarity <modelDir>',
      'only fit the unfamiliar-frame check of an exported model on --data (the data it was trained on) and update its metadata.json',
    )
    .addOption(new Option('--backend <name>', 'tfjs backend').choices(BACKEND_PREFERENCES).default(d.backend))
    .option('--name <name>', 'model name in metadata.json')
    .option('--dataset-name <name>', "dataset name on the model card (default: the data folder's name)")
    .option('--dataset-description <text>', 'what the data is and where it came from, for the model card')
    .option('--version <version>', 'model version in metadata.json', d.version)
    .option('--cache-dir <dir>', 'cache for downloaded ImageNet weights')
    .option('--concurrency <n>', 'images decoded at once', intArg('--concurrency', 1))
    .exitOverride()
    .configureOutput({ writeErr: () => undefined, writeOut: (s) => process.stdout.write(s) })
    .allowExcessArguments(false);
}

const flagName = (k: string) => `--${k.replace(/[A-Z]/g, (c) => `-${c.toLowerCase()}`)}`;

/** Flag name (camelCase) -> TrainOptions key, where they differ. */
const KEY: Record<string, keyof TrainOptions> = { batch: 'batchSize' };

/** Parses argv (without node and script) into a run to start or resume; errors name the bad value. */
export function parseCli(argv: string[], env: NodeJS.ProcessEnv = process.env): CliCommand {
  const cmd = program();
  cmd.parse(argv, { from: 'user' });
  const raw = cmd.opts<Record<string, unknown>>();
  const cwd = userCwd(env);
  const abs = (p: unknown) => (typeof p === 'string' ? resolve(cwd, p) : undefined);
  const given = (k: string) => cmd.getOptionValueSource(k) === 'cli';

  const options: Partial<TrainOptions> = {};
  for (const [k, v] of Object.entries(raw)) {
    if (v === undefined || k === 'resume' || k === 'refitFamiliarity') continue;
    (options as Record<string, unknown>)[KEY[k] ?? k] = v;
  }
  options.command = commandLine(argv, env);
  for (const k of ['data', 'export', 'runsDir', 'cacheDir'] as const) if (options[k] !== undefined) options[k] = abs(options[k]);
  if (options.extraTrain) options.extraTrain = options.extraTrain.map((d) => abs(d) as string);
  if (options.reportUnfamiliar) options.reportUnfamiliar = options.reportUnfamiliar.map((d) => abs(d) as string);
  if (options.compareWith !== undefined) options.compareWith = abs(options.compareWith);
  if (typeof options.weights === 'string' && isLocalWeights(options.weights)) options.weights = abs(options.weights);

  if (raw.refitFamiliarity !== undefined) {
    const allowed = ['refitFamiliarity', 'data', 'extraTrain', 'reportUnfamiliar', 'backend', 'batch', 'concurrency'];
    const rejected = Object.keys(raw).filter((k) => given(k) && !allowed.includes(k));
    if (rejected.length)
      throw new InvalidArgumentError(
        `--refit-familiarity takes only --data, --extra-train, --report-unfamiliar, --backend, --batch and --concurrency; not ${rejected.map(flagName).join(', ')}.`,
      );
    if (options.data === undefined)
      throw new InvalidArgumentError('--refit-familiarity needs --data: the dataset the model was trained on.');
    return {
      kind: 'familiarity',
      modelDir: abs(raw.refitFamiliarity) as string,
      data: options.data,
      extraTrain: options.extraTrain ?? [],
      reportUnfamiliar: options.reportUnfamiliar ?? [],
      backend: options.backend as TrainOptions['backend'],
      batchSize: options.batchSize as number,
      ...(options.concurrency ? { concurrency: options.concurrency } : {}),
    };
  }
  if (raw.resume !== undefined) {
    const overrides: Partial<TrainOptions> = {};
    const rejected: string[] = [];
    for (const k of Object.keys(raw)) {
      if (k === 'resume' || !given(k)) continue;
      const key = KEY[k] ?? (k as keyof TrainOptions);
      if ((RESUMABLE_OVERRIDES as readonly string[]).includes(key)) (overrides as Record<string, unknown>)[key] = options[key];
      else rejected.push(flagName(k));
    }
    if (rejected.length) {
      throw new InvalidArgumentError(
        `--resume continues a run with the options it was started with; ${rejected.join(', ')} cannot be given with it ` +
          '(allowed: --export, --report-unfamiliar, --compare-with, --quantize, --no-calibrate, --backend, --name, --version, --dataset-name, --dataset-description, --cache-dir, --concurrency).',
      );
    }
    overrides.command = options.command;
    return { kind: 'resume', runDir: abs(raw.resume) as string, overrides };
  }
  if (options.data === undefined)
    throw new InvalidArgumentError('--data is required: a folder with train/ val/ test/ class folders, or the dataset zip(s).');
  const full = { ...DEFAULT_OPTIONS, ...options } as TrainOptions;
  validateOptions(full);
  return { kind: 'train', options: full };
}

async function refitCommand(c: Extract<CliCommand, { kind: 'familiarity' }>): Promise<number> {
  try {
    const { initBackend } = await import('./backend.ts');
    const { addExtraTrain, DEFAULT_DECODE_CONCURRENCY, loadDataset, loadImageFolder } = await import('./data/index.ts');
    const { refitFamiliarity, sharesText } = await import('./export/familiarity.ts');
    const { readFile } = await import('node:fs/promises');
    const { validateMetadata } = await import('../../src/core/metadata.ts');
    const backend = await initBackend(c.backend);
    const { input } = validateMetadata(JSON.parse(await readFile(resolve(c.modelDir, 'metadata.json'), 'utf8')));
    console.log(`backend: ${backend.name}; loading ${c.data} at ${input.size} px`);
    const concurrency = c.concurrency ?? DEFAULT_DECODE_CONCURRENCY;
    const data = await addExtraTrain(await loadDataset(c.data, { inputSize: input.size, concurrency }), c.data, c.extraTrain, {
      inputSize: input.size,
      concurrency,
    });
    const neverLearned = Object.fromEntries(
      await Promise.all(
        c.reportUnfamiliar.map(async (d) => [basename(d), await loadImageFolder(d, { inputSize: input.size, concurrency })] as const),
      ),
    );
    const check = await refitFamiliarity(c.modelDir, data, { batchSize: c.batchSize }, neverLearned);
    console.log(
      `unfamiliar-frame check written to ${resolve(c.modelDir, 'metadata.json')}: threshold ${check.threshold.toFixed(4)}, flags ${sharesText(check.flaggedShare)}`,
    );
    return 0;
  } catch (err) {
    console.error(`train: ${(err as Error).message}`);
    return 1;
  }
}

export async function main(argv = process.argv.slice(2), env = process.env): Promise<number> {
  let command: CliCommand;
  try {
    command = parseCli(argv, env);
  } catch (err) {
    const e = err as { code?: string; message: string };
    if (e.code === 'commander.helpDisplayed' || e.code === 'commander.version') return 0;
    console.error(`train: ${e.message.replace(/^error: /, '')}`);
    console.error('Run `npm run train -- --help` for the flags.');
    return 2;
  }
  if (command.kind === 'familiarity') return refitCommand(command);
  // Imported here so `--help` and flag errors answer without loading tfjs.
  const { runTraining, resumeTraining, RunInterrupted } = await import('./train.ts');
  const controller = new AbortController();
  let interrupts = 0;
  const onSigint = () => {
    interrupts += 1;
    if (interrupts > 1) {
      console.error('\nSecond Ctrl-C: quitting now. Checkpoints are written atomically; the last finished epoch can be resumed.');
      process.exit(130);
    }
    console.error('\nCtrl-C: stopping after the current batch (the last finished epoch is checkpointed). Ctrl-C again to quit at once.');
    controller.abort();
  };
  process.on('SIGINT', onSigint);
  const hooks = { progress: consoleProgress(), signal: controller.signal };
  const cwd = userCwd(env);
  try {
    const result =
      command.kind === 'train' ? await runTraining(command.options, hooks) : await resumeTraining(command.runDir, command.overrides, hooks);
    console.log(
      `run: ${relative(cwd, result.runDir) || '.'} (best epoch ${result.best.epoch}, test accuracy ${result.evaluation.test.accuracy.toFixed(4)})`,
    );
    if (result.export) console.log(`export: ${relative(cwd, result.export.dir)}`);
    result.dispose();
    return 0;
  } catch (err) {
    if (err instanceof RunInterrupted) {
      if (err.completedEpochs === 0) {
        console.error('Interrupted before the first epoch finished: nothing to resume; start the run again.');
      } else {
        console.error(`Interrupted after ${err.completedEpochs} finished epoch(s); nothing was left half-written.`);
        console.error(`Resume with: npm run train -- --resume ${relative(cwd, err.runDir)}`);
      }
      return 130;
    }
    console.error(`train: ${(err as Error).message}`);
    return 1;
  } finally {
    process.off('SIGINT', onSigint);
  }
}

if (process.argv[1] && import.meta.url === pathToFileURL(resolve(process.argv[1])).href) {
  void main().then((code) => process.exit(code));
}
