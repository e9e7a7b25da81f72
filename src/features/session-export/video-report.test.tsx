// @vitest-environment jsdom
import { cleanup, render, screen, within } from '@testing-library/react';
import i18next from 'i18next';
import { initReactI18next } from 'react-i18next';
import { afterEach, beforeAll, describe, expect, it } from 'vitest';
import { exportResources } from '../../i18n/session-export.ts';
import { reviewResources } from '../../i18n/review.ts';
import { MODEL, makeFrames } from './fixtures.test-helpers.ts';
import { PrintableReport } from './PrintableReport.tsx';
import { makeVideo, PARAMS } from './video-fixtures.test-helpers.ts';
import { clockTime } from './VideoReportSection.tsx';

beforeAll(async () => {
  await i18next.use(initReactI18next).init({
    lng: 'en',
    resources: {
      en: { translation: { ...reviewResources.en, ...exportResources.en } },
      es: { translation: { ...reviewResources.es, ...exportResources.es } },
    },
    interpolation: { escapeValue: false },
  });
});
afterEach(cleanup);

const thresholds = { confident: 0.8, low: 0.5 };

describe("the printable report's Videos section", () => {
  it('lists each video with its duration, frames analysed and findings segments', () => {
    const calm = makeVideo({
      id: 'v2',
      fileName: 'calm.mp4',
      info: undefined,
      points: makeVideo().points.map((p) => ({ ...p, probabilities: [0.9, 0.1] })),
    });
    render(
      <PrintableReport frames={makeFrames()} model={MODEL} thresholds={thresholds} videos={[makeVideo(), calm]} segmentParams={PARAMS} />,
    );
    const section = screen.getByRole('region', { name: 'Videos' });
    expect(section.textContent).toContain('moving average over 1 s, opens at 0.6, closes below 0.4, at least 1 s');
    const [procedure, second] = within(section).getAllByTestId('report-video');
    expect(procedure.getAttribute('data-file-name')).toBe('procedure.webm');
    expect(within(procedure).getByRole('heading', { name: 'procedure.webm' })).toBeTruthy();
    expect(procedure.textContent).toContain('Duration0:10.0');
    expect(procedure.textContent).toContain('Frames analysed100');
    const rows = within(procedure).getAllByTestId('report-segment');
    expect(rows).toHaveLength(1);
    expect(rows[0].getAttribute('data-class')).toBe('2_polyps');
    expect(rows[0].textContent).toMatch(/^Polyp0:05\.\d – 0:10\.0\d+(\.\d)?%96\.2%$/);
    expect(second.textContent).toContain('Durationunknown');
    expect(second.textContent).toContain('No findings segment.');
  });

  it('has no Videos section without videos, and speaks Spanish', async () => {
    render(<PrintableReport frames={makeFrames()} model={MODEL} thresholds={thresholds} segmentParams={PARAMS} />);
    expect(screen.queryByRole('region', { name: 'Videos' })).toBeNull();
    cleanup();
    await i18next.changeLanguage('es');
    try {
      render(<PrintableReport frames={[]} model={MODEL} thresholds={thresholds} videos={[makeVideo()]} segmentParams={PARAMS} />);
      const section = screen.getByRole('region', { name: 'Vídeos' });
      expect(section.textContent).toContain('Imágenes analizadas100');
      expect(within(section).getByRole('columnheader', { name: 'Probabilidad máxima' })).toBeTruthy();
    } finally {
      await i18next.changeLanguage('en');
    }
  });

  it('writes times as minutes and seconds', () => {
    expect(clockTime(0)).toBe('0:00.0');
    expect(clockTime(5.06)).toBe('0:05.1');
    expect(clockTime(59.97)).toBe('1:00.0');
    expect(clockTime(83.44)).toBe('1:23.4');
    expect(clockTime(3600)).toBe('60:00.0');
  });
});
