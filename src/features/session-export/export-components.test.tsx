// @vitest-environment jsdom
import { act, cleanup, fireEvent, render, screen, waitFor, within } from '@testing-library/react';
import { readFileSync } from 'node:fs';
import { dirname, join } from 'node:path';
import { fileURLToPath } from 'node:url';
import { afterEach, beforeAll, describe, expect, it, vi } from 'vitest';
import { parseCsv } from './csv.ts';
import { readText, sha256Hex } from './encoding.ts';
import { MODEL, makeFrames } from './fixtures.test-helpers.ts';
import { PrintableReport, PrintView } from './PrintableReport.tsx';
import { SessionTools, type ImportedSession } from './SessionTools.tsx';
import { initTestI18n } from '../../i18n/test-i18n.test-helpers.ts';

beforeAll(() => initTestI18n());
afterEach(cleanup);

const thresholds = { confident: 0.8, low: 0.5 };

describe('PrintableReport', () => {
  it('shows summary counts, agreement, the model card, the disclaimer and one row per frame', () => {
    const frames = makeFrames();
    frames[0].thumbnail = 'data:image/jpeg;base64,AAAA';
    render(
      <PrintableReport
        frames={frames}
        model={MODEL}
        thresholds={thresholds}
        heatmaps={{ f1: 'data:image/png;base64,BBBB' }}
        generatedAt={new Date('2026-11-26T12:00:00Z')}
      />,
    );
    const report = screen.getByTestId('print-report');
    expect(report.textContent).toContain('Research tool, not a medical device');
    const counts = screen.getByTestId('report-counts');
    expect(within(counts).getByRole('row', { name: /Normal mucosa/ }).textContent).toBe('Normal mucosa21');
    expect(within(counts).getByRole('row', { name: /Esophagitis/ }).textContent).toBe('Esophagitis01');
    expect(screen.getByTestId('agreement-overall').textContent).toBe('50% (1/2)');
    const rows = screen.getAllByTestId('report-frame');
    expect(rows.map((r) => r.getAttribute('data-file-name'))).toEqual(frames.map((f) => f.fileName));
    expect(
      within(rows[0])
        .getAllByRole('img')
        .map((i) => i.getAttribute('src')),
    ).toEqual(['data:image/jpeg;base64,AAAA', 'data:image/png;base64,BBBB']);
    expect(rows[2].textContent).toContain('not reviewed');
    expect(rows[1].textContent).toContain('ñandú');
  });

  it('counts and marks frames unlike the training images as their own, worst level', () => {
    const frames = makeFrames();
    frames[0] = { ...frames[0], unfamiliar: true, familiarityDistance: 0.6 }; // 0.91: would be "confident"
    render(<PrintableReport frames={frames} model={MODEL} thresholds={thresholds} />);
    const levels = screen.getAllByRole('listitem').filter((li) => li.querySelector('[data-testid="confidence-marker"]'));
    expect(levels.map((li) => li.textContent)).toEqual(['Confident: 0', 'Uncertain: 1', 'Low confidence: 1', 'Unlike training images: 1']);
    const rows = screen.getAllByTestId('report-frame');
    expect(within(rows[0]).getByTestId('confidence-marker').getAttribute('data-level')).toBe('unfamiliar');
  });

  it('prints the report alone: the stylesheet has print rules that hide the app and the buttons', () => {
    const css = readFileSync(join(dirname(fileURLToPath(import.meta.url)), 'report.css'), 'utf8');
    expect(css).toMatch(/@media print\s*{/);
    expect(css).toMatch(/body:has\(> \.endolens-print-root\) > :not\(\.endolens-print-root\)\s*{\s*display: none !important;/);
    expect(css).toMatch(/\.endolens-print-root \.no-print\s*{\s*display: none !important;/);
  });

  it('PrintView opens over the page, prints on request and closes with Escape', () => {
    const onClose = vi.fn();
    const print = vi.spyOn(window, 'print').mockImplementation(() => {});
    render(<PrintView frames={makeFrames()} model={MODEL} thresholds={thresholds} onClose={onClose} />);
    const dialog = screen.getByRole('dialog', { name: 'EndoLens session report' });
    expect(dialog.parentElement).toBe(document.body);
    fireEvent.click(screen.getByRole('button', { name: 'Print / save as PDF' }));
    expect(print).toHaveBeenCalledTimes(1);
    fireEvent.keyDown(window, { key: 'Escape' });
    expect(onClose).toHaveBeenCalled();
  });
});

describe('SessionTools', () => {
  const originals = new Map(makeFrames().map((f) => [f.id, new File([`bytes of ${f.id}`], f.fileName, { type: 'image/jpeg' })]));

  it('exports CSV with a row per frame', () => {
    const download = vi.fn();
    render(
      <SessionTools
        frames={makeFrames()}
        model={MODEL}
        thresholds={thresholds}
        getOriginal={(f) => originals.get(f.id)}
        onImport={() => {}}
        download={download}
      />,
    );
    fireEvent.click(screen.getByRole('button', { name: 'Export CSV' }));
    const [name, text, mime] = download.mock.calls[0] as [string, string, string];
    expect(name).toMatch(/^endolens-session-.*\.csv$/);
    expect(mime).toContain('text/csv');
    expect(parseCsv(text)).toHaveLength(4);
  });

  it('exports a session with images and imports it back with nothing lost, then rejects a bad file', async () => {
    const download = vi.fn();
    const imported: ImportedSession[] = [];
    render(
      <SessionTools
        frames={makeFrames()}
        model={MODEL}
        thresholds={thresholds}
        getOriginal={(f) => originals.get(f.id)}
        onImport={(s) => void imported.push(s)}
        download={download}
      />,
    );
    fireEvent.click(screen.getByRole('radio', { name: /Include the images/ }));
    fireEvent.click(screen.getByRole('button', { name: 'Export session (JSON)' }));
    await waitFor(() => expect(download).toHaveBeenCalled());
    const json = (download.mock.calls[0] as string[])[1];
    const input = screen.getByLabelText('Import a session (JSON)');
    await act(() => {
      fireEvent.change(input, { target: { files: [new File([json], 'session.json', { type: 'application/json' })] } });
      return Promise.resolve(); // an async act: the import's promises settle inside it
    });
    await waitFor(() => expect(screen.getByRole('status').textContent).toBe('Imported 3 frames from session.json.'));
    const [session] = imported;
    expect(session.frames.map(({ sha256: _h, size: _s, mimeType: _m, ...rest }) => rest)).toEqual(makeFrames());
    expect(await readText(session.images.get('f2') as File)).toBe('bytes of f2');
    expect(session.images.get('f2')?.name).toBe('=HYPERLINK("http://x")');

    await act(() => {
      fireEvent.change(input, { target: { files: [new File(['{"format":"other"}'], 'bad.json')] } });
      return Promise.resolve(); // an async act: the import's promises settle inside it
    });
    await waitFor(() =>
      expect(screen.getByRole('alert').textContent).toMatch(
        /Could not import bad.json: "bad.json" is not a valid EndoLens session: format must be/,
      ),
    );
    expect(imported).toHaveLength(1);
  });

  it('re-attaches original files by content after a hashes-only import', async () => {
    const frames = await Promise.all(makeFrames().map(async (f) => ({ ...f, sha256: await sha256Hex(originals.get(f.id) as File) })));
    const onReattach = vi.fn();
    render(
      <SessionTools
        frames={frames}
        model={MODEL}
        thresholds={thresholds}
        getOriginal={() => undefined}
        onImport={() => {}}
        framesMissingImages={frames}
        onReattach={onReattach}
      />,
    );
    const renamed = new File(['bytes of f3'], 'IMG_0003.png');
    await act(() => {
      fireEvent.change(screen.getByLabelText('Choose the original files'), { target: { files: [renamed, new File(['x'], 'other.jpg')] } });
      return Promise.resolve(); // an async act: the import's promises settle inside it
    });
    await waitFor(() =>
      expect(screen.getByRole('status').textContent).toBe('1 matched, 2 still missing, 1 chosen files matched no frame.'),
    );
    expect(onReattach).toHaveBeenCalledWith([{ frameId: 'f3', file: renamed }]);
  });
});
