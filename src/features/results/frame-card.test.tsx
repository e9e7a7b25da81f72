// @vitest-environment jsdom
import { cleanup, render, screen } from '@testing-library/react';
import { afterEach, beforeAll, beforeEach, describe, expect, it } from 'vitest';
import { displayNameFor } from '../../core/classes.ts';
import { useAppStore } from '../../store/store.ts';
import type { FrameRecord, ModelInfo } from '../../store/types.ts';
import { FrameCard } from './FrameCard.tsx';
import { initTestI18n } from '../../i18n/test-i18n.test-helpers.ts';

beforeAll(() => initTestI18n());
afterEach(cleanup);

const info: ModelInfo = {
  modelKey: 'M@1',
  name: 'M',
  version: '1',
  classes: ['0_normal', '2_polyps'].map((name) => ({ name, display: displayNameFor(name) })),
};
const thresholds = { confident: 0.8, low: 0.6 };

function done(id: string, patch: Partial<FrameRecord>): FrameRecord {
  return {
    id,
    fileName: `${id}.png`,
    size: 1,
    addedAt: 0,
    status: 'done',
    hasThumb: false,
    modelKey: info.modelKey,
    probabilities: [0.997, 0.003],
    predictedIndex: 0,
    confidence: 0.997,
    ...patch,
  };
}

beforeEach(() => {
  useAppStore.getState().reset();
  useAppStore.setState({
    modelInfos: { [info.modelKey]: info },
    frames: {
      noise: done('noise', { familiarityDistance: 0.6123, unfamiliar: true }),
      ok: done('ok', { familiarityDistance: 0.05, unfamiliar: false }),
      old: done('old', {}),
    },
    order: ['noise', 'ok', 'old'],
  });
});

const card = (id: string) => {
  render(<FrameCard id={id} thresholds={thresholds} activeModelKey={info.modelKey} renderChart={() => <div data-testid="chart" />} />);
  return screen.getByTestId('frame-card');
};

describe('FrameCard and the familiarity check', () => {
  it('shows a flagged frame as unlike the training images, not as a 99.7 % finding, with automation hooks', () => {
    const el = card('noise');
    expect(el.getAttribute('data-unfamiliar')).toBe('true');
    expect(el.getAttribute('data-familiarity-checked')).toBe('true');
    expect(el.getAttribute('data-familiarity-distance')).toBe('0.6123');
    expect(el.getAttribute('data-confidence-level')).toBe('unfamiliar');
    expect(el.getAttribute('data-low-confidence')).toBe('true');
    expect(el.getAttribute('data-probabilities')).toBe('[0.997,0.003]');
    const marker = screen.getByTestId('confidence-marker');
    expect([marker.getAttribute('data-level'), marker.querySelector('svg')?.getAttribute('data-shape')]).toEqual(['unfamiliar', 'octagon']);
    expect(marker.textContent).toContain('Unlike training images');
    expect(screen.getByTestId('unfamiliar-note').textContent).toMatch(/^Not a finding/);
    expect(el.querySelector('.prediction')?.textContent).toMatch(/^Model output \(not meaningful\): Normal mucosa/);
    expect(screen.getByTestId('chart')).toBeTruthy(); // the probabilities stay visible
  });

  it('shows a checked, familiar frame by its probability, and says when a frame was not checked', () => {
    const ok = card('ok');
    expect([
      ok.getAttribute('data-unfamiliar'),
      ok.getAttribute('data-familiarity-checked'),
      ok.getAttribute('data-familiarity-distance'),
      ok.getAttribute('data-confidence-level'),
    ]).toEqual(['false', 'true', '0.05', 'confident']);
    expect(screen.queryByTestId('unfamiliar-note')).toBeNull();
    cleanup();
    const old = card('old');
    expect([
      old.getAttribute('data-unfamiliar'),
      old.getAttribute('data-familiarity-checked'),
      old.hasAttribute('data-familiarity-distance'),
      old.getAttribute('data-confidence-level'),
    ]).toEqual(['false', 'false', false, 'confident']);
  });
});
