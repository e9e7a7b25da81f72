// @vitest-environment jsdom
import { cleanup, fireEvent, render, screen, waitFor, within } from '@testing-library/react';
import i18next from 'i18next';
import { afterEach, beforeAll, describe, expect, it, vi } from 'vitest';
import { MODEL, makeFrames } from './fixtures.test-helpers.ts';
import { PrintableReport } from './PrintableReport.tsx';
import { makeVideo, PARAMS } from './video-fixtures.test-helpers.ts';
import { clockTime } from './VideoReportSection.tsx';
import { parseCsv } from './csv.ts';
import { importSessionFile, SessionTools, type ImportedSession } from './SessionTools.tsx';
import { initTestI18n } from '../../i18n/test-i18n.test-helpers.ts';

beforeAll(() => initTestI18n());
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

describe('SessionTools with videos', () => {
  it('exports the findings as a CSV of their own, and the videos in the session file, which imports them back', async () => {
    const download = vi.fn();
    const imported: ImportedSession[] = [];
    const getVideos = vi.fn(() => [makeVideo()]);
    render(
      <SessionTools
        frames={[]}
        model={MODEL}
        thresholds={thresholds}
        getOriginal={() => undefined}
        onImport={(s) => void imported.push(s)}
        download={download}
        videoCount={1}
        getVideos={getVideos}
        segmentParams={PARAMS}
      />,
    );
    expect(getVideos).not.toHaveBeenCalled(); // timelines are read when an export asks, not on every render
    expect(screen.getByRole('button', { name: 'Export CSV' })).toHaveProperty('disabled', true); // no frames
    fireEvent.click(screen.getByRole('button', { name: 'Export video findings (CSV)' }));
    const [name, text] = download.mock.calls[0] as [string, string];
    expect(name).toMatch(/^endolens-findings-\d{4}-\d{2}-\d{2}_\d{4}\.csv$/);
    expect(parseCsv(text)[1].slice(0, 4)).toEqual(['procedure.webm', expect.stringMatching(/^5\.\d{3}$/), '10.000', '2_polyps']);

    fireEvent.click(screen.getByRole('button', { name: 'Export session (JSON)' }));
    await waitFor(() => expect(download).toHaveBeenCalledTimes(2));
    const [, json] = download.mock.calls[1] as [string, string];
    const session = await importSessionFile(new File([json], 'session.json'));
    expect(session.videos.map((v) => [v.fileName, v.points.length])).toEqual([['procedure.webm', 100]]);
    const input = screen.getByLabelText('Import a session (JSON)');
    fireEvent.change(input, { target: { files: [new File([json], 'session.json')] } });
    await waitFor(() => expect(screen.getByRole('status').textContent).toContain('Videos: 1'));
    expect(imported[0].videos).toHaveLength(1);
  });
});
