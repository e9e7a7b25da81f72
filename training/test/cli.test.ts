import { resolve } from 'node:path';
import { describe, expect, it } from 'vitest';
import { commandLine, parseCli } from '../src/cli.ts';

const env = { INIT_CWD: '/home/user/project', npm_lifecycle_event: 'train' } as NodeJS.ProcessEnv;

describe('train CLI', () => {
  it("defaults are the original schedule's", () => {
    const c = parseCli(['--data', 'data'], env);
    expect(c.kind).toBe('train');
    if (c.kind !== 'train') return;
    expect(c.options).toMatchObject({
      backbone: 'resnet50v2',
      weights: 'imagenet',
      warmupEpochs: 2,
      epochs: 20,
      lr: 1e-4,
      warmupLr: 1e-3,
      unfreeze: 13,
      batchSize: 32,
      seed: 42,
      inputSize: 224,
      backend: 'auto',
      calibrate: true,
      augment: true,
    });
  });

  it('resolves relative paths against the folder npm was run from (INIT_CWD), not training/', () => {
    const c = parseCli(
      ['--data', '../shared/data/gi-proxy', '--export', 'public/model', '--weights', 'w/model.json', '--runs-dir', 'runs'],
      env,
    );
    if (c.kind !== 'train') throw new Error('expected a training run');
    expect(c.options.data).toBe(resolve('/home/user/shared/data/gi-proxy'));
    expect(c.options.export).toBe('/home/user/project/public/model');
    expect(c.options.weights).toBe('/home/user/project/w/model.json');
    expect(c.options.runsDir).toBe('/home/user/project/runs');
    const url = parseCli(['--data', 'd', '--weights', 'https://example.org/w.h5'], env);
    expect(url.kind === 'train' && url.options.weights).toBe('https://example.org/w.h5');
  });

  it('parses every number flag and records the command line', () => {
    const argv = [
      '--data',
      'd',
      '--warmup-epochs',
      '1',
      '--epochs',
      '3',
      '--lr',
      '2e-4',
      '--warmup-lr',
      '0.01',
      '--unfreeze',
      '0',
      '--batch',
      '8',
      '--seed',
      '7',
      '--input-size',
      '64',
      '--quantize',
      'float16',
      '--export',
      'out',
      '--no-calibrate',
      '--name',
      'My model',
    ];
    const c = parseCli(argv, env);
    if (c.kind !== 'train') throw new Error('expected a training run');
    expect(c.options).toMatchObject({
      warmupEpochs: 1,
      epochs: 3,
      lr: 2e-4,
      warmupLr: 0.01,
      unfreeze: 0,
      batchSize: 8,
      seed: 7,
      inputSize: 64,
      quantize: 'float16',
      calibrate: false,
      name: 'My model',
    });
    expect(c.options.command).toBe(`npm run train -- ${argv.slice(0, -1).join(' ')} 'My model'`);
    expect(commandLine(['--data', 'x'], {})).toMatch(/^node .*cli\.ts --data x$/);
  });

  it.each([
    [['--data', 'd', '--batch', 'abc'], /--batch must be an integer, got "abc"/],
    [['--data', 'd', '--batch', '0'], /--batch must be >= 1, got 0/],
    [['--data', 'd', '--lr', '5'], /--lr must be a learning rate .* got "5"/],
    [['--data', 'd', '--epochs', '2.5'], /--epochs must be an integer, got "2.5"/],
    [['--data', 'd', '--backbone', 'vgg16'], /vgg16/],
    [['--data', 'd', '--backend', 'gpu'], /gpu/],
    [['--data', 'd', '--quantize', 'int8'], /int8/],
    [['--data', 'd', '--input-size', '16'], /--input-size must be >= 32, got 16/],
    [['--data', 'd', '--quantize', 'float16'], /--quantize applies to an export/],
    [['--data', 'd', '--alpha', '0.35'], /alpha applies to mobilenetv2 only/],
    [['--data', 'd', '--warmup-epochs', '0', '--epochs', '0'], /no epochs/],
    [['--batch', '4'], /--data is required/],
    [['--data', 'd', '--bogus'], /unknown option '--bogus'/],
  ])('rejects %j naming the value', (argv, message) => {
    expect(() => parseCli(argv, env)).toThrow(message);
  });

  it('--resume takes the run folder and only options that do not change the training', () => {
    const c = parseCli(['--resume', 'runs/abc', '--export', 'public/model', '--backend', 'wasm'], env);
    expect(c).toMatchObject({
      kind: 'resume',
      runDir: '/home/user/project/runs/abc',
      overrides: { export: '/home/user/project/public/model', backend: 'wasm' },
    });
    expect(() => parseCli(['--resume', 'runs/abc', '--lr', '1e-3', '--batch', '4'], env)).toThrow(/--lr, --batch cannot be given with it/);
    // The model card's dataset text may be corrected when re-exporting a finished run.
    const d = parseCli(['--resume', 'runs/abc', '--dataset-name', 'gi-proxy', '--dataset-description', 'Real frames.'], env);
    expect(d).toMatchObject({ kind: 'resume', overrides: { datasetName: 'gi-proxy', datasetDescription: 'Real frames.' } });
  });

  it('--refit-familiarity takes an exported model, --data and only the options that read it', () => {
    const c = parseCli(['--refit-familiarity', 'public/model', '--data', 'data/gi', '--backend', 'wasm', '--batch', '16'], env);
    expect(c).toEqual({
      kind: 'familiarity',
      modelDir: '/home/user/project/public/model',
      data: '/home/user/project/data/gi',
      extraTrain: [],
      reportUnfamiliar: [],
      backend: 'wasm',
      batchSize: 16,
    });
    expect(() => parseCli(['--refit-familiarity', 'public/model'], env)).toThrow(/needs --data/);
    expect(() => parseCli(['--refit-familiarity', 'm', '--data', 'd', '--epochs', '3', '--export', 'x'], env)).toThrow(
      /not --epochs, --export\./,
    );
  });
});
