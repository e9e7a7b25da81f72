// @vitest-environment jsdom
/** The results list re-renders only the cards whose frame changed when a batch of results arrives. */
import { act, cleanup, render } from '@testing-library/react';
import { afterEach, beforeAll, beforeEach, describe, expect, it, vi } from 'vitest';
import { displayNameFor } from '../../core/classes.ts';
import { initTestI18n } from '../../i18n/test-i18n.test-helpers.ts';
import { queuedFrame, readyModel } from '../../store/fixtures.test-helpers.ts';
import { useAppStore } from '../../store/store.ts';
import type { FrameRecord } from '../../store/types.ts';
import type { ChartRequest } from './FrameCard.tsx';
import { ResultsView } from './ResultsView.tsx';

beforeAll(() => initTestI18n());
afterEach(cleanup);

const MODEL_KEY = 'M@1#x';
const frame = (id: string, patch: Partial<FrameRecord> = {}): FrameRecord => ({
  id,
  fileName: `${id}.jpg`,
  size: 1,
  addedAt: Number(id.slice(1)),
  status: 'done',
  hasThumb: false,
  modelKey: MODEL_KEY,
  probabilities: [0.9, 0.1],
  predictedIndex: 0,
  confidence: 0.9,
  ...patch,
});

beforeEach(() => {
  useAppStore.getState().reset();
  readyModel();
  useAppStore.setState({
    modelInfos: {
      [MODEL_KEY]: {
        modelKey: MODEL_KEY,
        name: 'M',
        version: '1',
        classes: ['0_normal', '2_polyps'].map((name) => ({ name, display: displayNameFor(name) })),
      },
    },
    frames: {
      f1: frame('f1'),
      f2: frame('f2'),
      f3: queuedFrame('f3'),
    },
    order: ['f1', 'f2', 'f3'],
  });
});

describe('ResultsView', () => {
  it('a new result re-renders its own card only, not every card (the cards are memoised)', () => {
    const renderChart = vi.fn((req: ChartRequest) => <div data-testid="chart">{req.title}</div>);
    render(<ResultsView renderChart={renderChart} renderDetail={() => null} />);
    expect(renderChart).toHaveBeenCalledTimes(2); // f1 and f2 have results
    renderChart.mockClear();
    act(() => {
      const s = useAppStore.getState();
      useAppStore.setState({ frames: { ...s.frames, f3: frame('f3', { probabilities: [0.2, 0.8], predictedIndex: 1, confidence: 0.8 }) } });
    });
    expect(renderChart).toHaveBeenCalledTimes(1);
    expect(renderChart.mock.calls[0][0].probabilities).toEqual([0.2, 0.8]);
  });
});
