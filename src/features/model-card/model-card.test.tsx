// @vitest-environment jsdom
import { cleanup, render, screen } from '@testing-library/react';
import i18next from 'i18next';
import { afterEach, beforeAll, describe, expect, it } from 'vitest';
import { FAMILIARITY_METHOD } from '../../core/familiarity.ts';
import { validateMetadata } from '../../core/metadata.ts';
import { ModelCard } from './ModelCard.tsx';
import { initTestI18n } from '../../i18n/test-i18n.test-helpers.ts';

beforeAll(() => initTestI18n());
afterEach(cleanup);

const base = {
  format: 'endolens-model',
  formatVersion: 1,
  name: 'M',
  version: '1',
  createdAt: '2026-01-01',
  intendedUse: 'research',
  classes: ['0_normal', '2_polyps'],
  input: { size: 8 },
  backbone: { name: 'b', weights: 'w' },
  dataset: { name: 'd', description: 'd', counts: {} },
};
const familiarity = {
  method: FAMILIARITY_METHOD,
  layer: 'global_average_pooling2d',
  centroids: [
    [1, 0],
    [0, 1],
  ],
  threshold: 0.460292,
  quantile: 0.99,
  centroidSplit: 'train',
  thresholdSplit: 'val',
  flaggedShare: { val: 0.011, test: 0.017 },
};

const facts = () => screen.getByTestId('familiarity-check');

describe('ModelCard: the familiarity check', () => {
  it('says what the check does, its threshold and how many frames it flags per split, in English and Spanish', async () => {
    const metadata = validateMetadata({ ...base, familiarity });
    render(<ModelCard metadata={metadata} />);
    expect(facts().getAttribute('data-familiarity')).toBe('on');
    expect(screen.getByText('Frames unlike the training images')).toBeTruthy();
    const text = facts().textContent ?? '';
    expect(text).toMatch(/compared with the average features of every class in the training images/);
    expect(text).toContain('Threshold: cosine distance 0.460, which 99% of validation frames stay within.');
    expect(text).toContain('It flags 1.1% of validation frames and 1.7% of test frames.');
    cleanup();
    await i18next.changeLanguage('es');
    try {
      render(<ModelCard metadata={metadata} />);
      const es = (facts().textContent ?? '').replace(/\u00a0/g, ' '); // Spanish percentages use a no-break space
      expect(es).toContain('Umbral: distancia coseno 0,460, dentro de la cual queda el 99 % de las imágenes de validación.');
      expect(es).toContain('Marca el 1,1 % de las imágenes de validación y el 1,7 % de las imágenes de prueba.');
    } finally {
      await i18next.changeLanguage('en');
    }
  });

  it('says plainly that frames unlike the training images are not detected when the model has no check', () => {
    render(<ModelCard metadata={validateMetadata(base)} />);
    expect(facts().getAttribute('data-familiarity')).toBe('off');
    expect(facts().textContent).toMatch(/^Not detected: this model has no familiarity check, so frames unlike its training images/);
  });
});

describe('ModelCard: the new model beside the one it replaced', () => {
  const metrics = (accuracy: number, f1: number, gv: number) => ({
    accuracy,
    loss: 0.3,
    count: 10,
    perClass: [],
    macro: { precision: f1, recall: f1, f1 },
    weighted: { precision: f1, recall: f1, f1 },
    confusion: [
      [5, 0],
      [0, 5],
    ],
    perSource: { gv_normal: { accuracy: 0.9, count: 5 }, 'gv_*': { accuracy: gv, count: 10, macroF1: gv } },
  });

  it('names never-learned findings in the check and shows both models measured on the same frames', () => {
    const metadata = validateMetadata({
      ...base,
      metrics: { test: metrics(0.95, 0.94, 0.9) },
      familiarity: { ...familiarity, flaggedShare: { val: 0.049, test: 0.06, normal_esophagus: 0.93 }, neverLearned: ['normal_esophagus'] },
      previous: {
        name: 'Old',
        version: '1.0.0',
        createdAt: '2026-11-01',
        metrics: { test: metrics(0.902, 0.9, 0.807) },
        familiarity: { ...familiarity, flaggedShare: { val: 0.011, test: 0.017, normal_esophagus: 0.3 } },
      },
    });
    render(<ModelCard metadata={metadata} />);
    expect(facts().textContent).toContain('93.0% of frames of “normal_esophagus”, a finding it never learned');
    const table = screen.getByTestId('previous-comparison');
    expect(table.querySelector('caption')?.textContent).toContain('“Old” 1.0.0');
    const row = (label: string) =>
      [...table.querySelectorAll('tbody tr')].find((r) => r.querySelector('th')?.textContent === label)?.textContent;
    expect(row('Test macro F1')).toBe('Test macro F10.9400.900');
    expect(row('Test macro F1, gv_* frames')).toBe('Test macro F1, gv_* frames0.9000.807');
    expect(row('Marked unlike training images: normal_esophagus')).toBe('Marked unlike training images: normal_esophagus93.0%30.0%');
  });

  it('shows no comparison for a model exported without one', () => {
    render(<ModelCard metadata={validateMetadata(base)} />);
    expect(screen.queryByTestId('previous-comparison')).toBeNull();
  });
});

describe('ModelCard: a taught version', () => {
  const sha = (i: number) => i.toString(16).padStart(64, '0');
  const taught = {
    ...base,
    classes: ['0_normal', '2_polyps', 'normal_esophagus'],
    teach: {
      base: { name: 'EndoLens', version: '1.1.0', modelKey: 'k' },
      frames: { '0_normal': [sha(1), sha(2)], '2_polyps': [sha(3)], normal_esophagus: [sha(4), sha(5), sha(6)] },
      recipe: {
        method: 'last-blocks',
        seed: 1,
        split: 'holdout',
        folds: 1,
        epochs: 4,
        maxEpochs: 60,
        patience: 6,
        batchSize: 32,
        learningRate: 0.001,
      },
    },
  };

  it('says first that it was taught on the user frames, from which model, how many per class and how', () => {
    render(<ModelCard metadata={validateMetadata(taught)} />);
    const note = screen.getByTestId('model-card-taught');
    expect(note.getAttribute('data-method')).toBe('last-blocks');
    expect(note.textContent).toContain('Taught on your own frames.');
    expect(note.textContent).toContain(
      'from 6 of your labelled frames (Normal mucosa: 2, Polyp: 1, Normal esophagus: 3), starting from EndoLens 1.1.0',
    );
    expect(note.textContent).toContain("backbone's last layers were retrained");
  });

  it('says nothing of the kind for a trainer export', () => {
    render(<ModelCard metadata={validateMetadata(base)} />);
    expect(screen.queryByTestId('model-card-taught')).toBeNull();
  });
});
