// @vitest-environment jsdom
import { act, cleanup, fireEvent, render, screen, within } from '@testing-library/react';
import i18next from 'i18next';
import { afterEach, beforeAll, beforeEach, describe, expect, it, vi, type Mock } from 'vitest';
import { validateMetadata, type EvalMetrics, type ModelMetadataJson } from '../../core/metadata.ts';
import { initTestI18n } from '../../i18n/test-i18n.test-helpers.ts';
import { teachResources } from '../../i18n/teach.ts';
import { useAppStore } from '../../store/store.ts';
import type { GatheredFrame, TeachSlice } from '../../store/teach-slice.ts';
import type { FrameRecord } from '../../store/types.ts';
import type { TeachActions } from './teach-actions.ts';
import { TeachView } from './TeachView.tsx';

beforeAll(() => initTestI18n());
afterEach(cleanup);

const baseJson: ModelMetadataJson = {
  format: 'endolens-model',
  formatVersion: 1,
  name: 'Base',
  version: '1',
  createdAt: '2026-01-01',
  intendedUse: 'research',
  classes: ['0_normal', '2_polyps', '3_esophagitis'],
  input: { size: 8 },
  backbone: { name: 'b', weights: 'w' },
  dataset: { name: 'd', description: 'd', counts: {} },
};

function frames(className: string, n: number, source: GatheredFrame['source'] = 'folder'): GatheredFrame[] {
  return Array.from({ length: n }, (_, i) => ({
    id: `${source}:${className}/${i}.png`,
    name: `${className}/${i}.png`,
    className,
    source,
    file: new Blob(['x']),
  }));
}

function metrics(classes: string[], confusion: number[][], f1: number): EvalMetrics {
  const perClass = classes.map((name, i) => ({
    name,
    precision:
      confusion[i][i] /
      Math.max(
        1,
        confusion.reduce((s, r) => s + r[i], 0),
      ),
    recall:
      confusion[i][i] /
      Math.max(
        1,
        confusion[i].reduce((s, v) => s + v, 0),
      ),
    f1,
    support: confusion[i].reduce((s, v) => s + v, 0),
  }));
  const count = confusion.flat().reduce((s, v) => s + v, 0);
  const correct = confusion.reduce((s, r, i) => s + r[i], 0);
  const avg = { precision: f1, recall: f1, f1 };
  return { accuracy: correct / count, loss: 0.5, count, perClass, macro: avg, weighted: avg, confusion };
}

const classes = ['0_normal', '2_polyps', '9_angiectasia'];
const plan = {
  mode: 'holdout' as const,
  folds: 1,
  classes,
  counts: { '0_normal': 25, '2_polyps': 25, '9_angiectasia': 12 },
  heldOutCount: 12,
  notices: [
    {
      kind: 'few-frames' as const,
      severity: 'warning' as const,
      className: '9_angiectasia',
      count: 12,
      recommended: 20,
      message: 'ENGLISH-ONLY MESSAGE',
    },
  ],
  refused: [],
};
const result: NonNullable<TeachSlice['teach']['result']> = {
  plan,
  method: 'head-only',
  failed: [],
  before: metrics(
    classes,
    [
      [5, 0, 0],
      [1, 4, 0],
      [1, 1, 0],
    ],
    0.55,
  ),
  after: metrics(
    classes,
    [
      [5, 0, 0],
      [0, 5, 0],
      [0, 0, 2],
    ],
    0.917,
  ),
  curves: [
    { epoch: 1, loss: 1.1, accuracy: 0.4, heldOutLoss: Number.NaN, heldOutAccuracy: Number.NaN },
    { epoch: 2, loss: 0.7, accuracy: 0.7, heldOutLoss: 0.8, heldOutAccuracy: 0.6 },
  ],
  metadata: { ...baseJson, version: 'taught-1', classes },
  wallMs: 4200,
};

type Spies = { [K in keyof TeachActions]: Mock<TeachActions[K]> };

function actions(): Spies {
  return {
    onImportFiles: vi.fn<TeachActions['onImportFiles']>(),
    onAddReviewed: vi.fn<TeachActions['onAddReviewed']>(),
    onStart: vi.fn<TeachActions['onStart']>(),
    onCancel: vi.fn<TeachActions['onCancel']>(),
    onAccept: vi.fn<TeachActions['onAccept']>(),
    onDiscard: vi.fn<TeachActions['onDiscard']>(),
    onUseVersion: vi.fn<TeachActions['onUseVersion']>(),
    onUseEmbedded: vi.fn<TeachActions['onUseEmbedded']>(),
    onExportVersion: vi.fn<TeachActions['onExportVersion']>(),
    onDeleteVersion: vi.fn<TeachActions['onDeleteVersion']>(),
  };
}

const setTeach = (patch: Partial<TeachSlice['teach']>) => useAppStore.getState().setTeach(patch);
const status = () => screen.getByTestId('teach-status');
const startButton = () => screen.getByTestId<HTMLButtonElement>('teach-start');

beforeEach(() => {
  useAppStore.getState().reset();
  useAppStore.setState({ model: { status: 'ready', source: 'embedded', metadata: validateMetadata(baseJson) } });
});

describe('TeachView: training frames', () => {
  it('starts only with frames of two classes, and says so', () => {
    const a = actions();
    setTeach({ gathered: frames('2_polyps', 25) });
    render(<TeachView {...a} />);
    expect(startButton().disabled).toBe(true);
    expect(status().textContent).toBe('Gather frames of at least 2 classes to teach.');
    cleanup();
    setTeach({ gathered: [...frames('2_polyps', 25), ...frames('0_normal', 3, 'review')] });
    render(<TeachView {...a} />);
    expect(startButton().disabled).toBe(false);
    expect(status().getAttribute('data-state')).toBe('idle');
    expect(status().getAttribute('data-classes')).toBe(JSON.stringify(['0_normal', '2_polyps']));
    fireEvent.click(startButton());
    expect(a.onStart).toHaveBeenCalledTimes(1);
  });

  it('counts frames per class and source, marks new and thin classes, names the classes left out, removes and clears', () => {
    setTeach({
      gathered: [...frames('2_polyps', 20), ...frames('2_polyps', 2, 'review'), ...frames('9_angiectasia', 5)],
      skipped: [
        { name: 'a.txt', reason: 'not-image' },
        { name: 'b.txt', reason: 'not-image' },
        { name: 'c.png', reason: 'empty' },
      ],
    });
    render(<TeachView {...actions()} />);
    const rows = screen.getAllByTestId('teach-gathered-class');
    expect(rows.map((r) => [r.getAttribute('data-class'), r.getAttribute('data-count'), r.getAttribute('data-new')])).toEqual([
      ['2_polyps', '22', 'false'],
      ['9_angiectasia', '5', 'true'],
    ]);
    expect(
      within(rows[0])
        .getAllByRole('cell')
        .map((c) => c.textContent),
    ).toEqual(['20', '2', '22', '', 'Remove Polyp']);
    expect(within(rows[0]).queryByTestId('teach-few-frames')).toBeNull();
    expect(within(rows[1]).getByText('New class')).toBeTruthy();
    expect(within(rows[1]).getByTestId('teach-few-frames').textContent).toBe('Only 5 frames: 20 or more give a more reliable model.');
    expect(screen.getByTestId('teach-skipped').textContent).toBe('3 files skipped: 2 not images, 1 empty.');
    expect(screen.getByTestId('teach-missing-classes').textContent).toContain('Normal mucosa, Esophagitis');

    fireEvent.click(screen.getByRole('button', { name: 'Remove Angiectasia' }));
    expect(useAppStore.getState().teach.gathered.every((f) => f.className === '2_polyps')).toBe(true);
    fireEvent.click(screen.getByRole('button', { name: 'Clear all training frames' }));
    expect(useAppStore.getState().teach.gathered).toEqual([]);
    expect(screen.getByText('No training frames yet.')).toBeTruthy();
  });

  it('imports a chosen folder through onImportFiles and adds the reviewed frames', () => {
    const a = actions();
    const review = (id: string, reviewedClass?: string): FrameRecord => ({
      id,
      fileName: `${id}.png`,
      size: 1,
      addedAt: 0,
      status: 'done',
      hasThumb: false,
      review: reviewedClass ? { reviewedClass } : { note: 'only a note' },
    });
    useAppStore.setState({ frames: { a: review('a', '2_polyps'), b: review('b'), c: review('c', '0_normal') } });
    render(<TeachView {...a} />);
    const input = screen.getByTestId<HTMLInputElement>('teach-folder-input');
    expect(input.hasAttribute('webkitdirectory')).toBe(true);
    const file = new File(['x'], 'p1.png', { type: 'image/png' });
    fireEvent.change(input, { target: { files: [file] } });
    expect(a.onImportFiles).toHaveBeenCalledWith([file]);

    const add = screen.getByRole<HTMLButtonElement>('button', { name: 'Add reviewed frames (2)' });
    fireEvent.click(add);
    expect(a.onAddReviewed).toHaveBeenCalledTimes(1);
    cleanup();
    useAppStore.setState({ frames: {} });
    render(<TeachView {...a} />);
    expect(screen.getByRole<HTMLButtonElement>('button', { name: 'Add reviewed frames (0)' }).disabled).toBe(true);
  });

  it('says what an import added, and alerts when a folder held nothing usable', () => {
    setTeach({ lastImport: { folder: 'my-findings', added: 60, classes: ['0_normal', 'new_finding'] } });
    render(<TeachView {...actions()} />);
    expect(screen.getByTestId('teach-import-result').textContent).toBe(
      '60 frames added from “my-findings”, classes taken from its folder names: Normal mucosa, New finding.',
    );
    act(() => setTeach({ lastImport: { folder: 'empty-folder', added: 0, classes: [] } }));
    expect(screen.getByRole('alert').textContent).toContain('No usable image was found in “empty-folder”');
  });
});

describe('TeachView: the run', () => {
  it('shows reading and training progress, the plan classes and notices from their fields, and cancels', () => {
    const a = actions();
    setTeach({
      gathered: [...frames('2_polyps', 25), ...frames('0_normal', 25)],
      status: 'training',
      progress: { phase: 'reading', done: 40, total: 90, elapsedMs: 1000, etaMs: 1400 },
    });
    render(<TeachView {...a} />);
    expect(status().getAttribute('data-state')).toBe('training');
    expect(status().textContent).toBe('Reading frames 40 / 90 · about 1 s left');
    const bar = screen.getByRole('progressbar', { name: 'Teaching progress' });
    expect([bar.getAttribute('value'), bar.getAttribute('max')]).toEqual(['40', '90']);
    expect(startButton().disabled).toBe(true);
    fireEvent.click(screen.getByRole('button', { name: 'Cancel' }));
    expect(a.onCancel).toHaveBeenCalledTimes(1);

    const epoch = { epoch: 7, loss: 0.5, accuracy: 0.8, heldOutLoss: 0.6, heldOutAccuracy: 0.7 };
    const more = { maxEpochs: 60, bestEpoch: 6, elapsedMs: 1, etaMs: 1, etaMaxMs: 2 };
    act(() =>
      setTeach({
        plan,
        failed: [{ id: 'f1', name: 'broken.png', reason: 'could not be decoded' }],
        progress: { phase: 'training', done: 1, total: 3, elapsedMs: 5000, epoch: { ...epoch, ...more } },
      }),
    );
    expect(status().textContent).toBe('Training run 2 / 3, epoch 7 (at most 60)');
    expect(status().getAttribute('data-classes')).toBe(JSON.stringify(classes));
    expect(status().hasAttribute('data-heldout-macro-f1')).toBe(false);
    const notice = screen.getByTestId('teach-notices');
    expect(notice.textContent).toBe('“Angiectasia” has 12 frames; 20 or more give a more reliable model.');
    expect(screen.getByTestId('teach-failed').textContent).toBe('broken.png: could not be decoded');
  });

  it('shows each error code as an alert with its message, in Spanish too', async () => {
    setTeach({ status: 'error', error: { code: 'storage', message: 'QuotaExceededError' } });
    render(<TeachView {...actions()} />);
    expect(status().getAttribute('data-state')).toBe('error');
    const alert = screen.getByRole('alert');
    expect(alert.getAttribute('data-code')).toBe('storage');
    expect(alert.textContent).toBe('The new version could not be saved in this browser (storage full?). QuotaExceededError');
    cleanup();
    await i18next.changeLanguage('es');
    try {
      setTeach({ plan, error: { code: 'interrupted', message: '' } });
      render(<TeachView {...actions()} />);
      expect(screen.getByRole('alert').textContent).toBe('La enseñanza se interrumpió (se cerró o recargó la página).');
      expect(screen.getByTestId('teach-notices').textContent).toBe(
        '«Angiectasia» tiene 12 imágenes; con 20 o más el modelo es más fiable.',
      );
    } finally {
      await i18next.changeLanguage('en');
    }
  });

  it('compares before and after on the held-out frames when done, and accepts or discards', async () => {
    const a = actions();
    setTeach({ status: 'done', plan, result, candidateId: 'v2' });
    render(<TeachView {...a} />);
    expect(status().getAttribute('data-state')).toBe('done');
    expect(status().getAttribute('data-heldout-macro-f1')).toBe('0.917');
    expect(status().textContent).toBe('Done in 4 s. Held-out macro F1: 0.917 (before: 0.550).');
    expect(screen.getByTestId('teach-heldout').textContent).toMatch(/^The model before and the new version on the same 12 held-out frames/);
    expect(screen.getByTestId('teach-accuracy-before').textContent).toBe('75.0%');
    expect(screen.getByTestId('teach-accuracy-after').textContent).toBe('100.0%');
    expect([screen.getByTestId('teach-f1-before').textContent, screen.getByTestId('teach-f1-after').textContent]).toEqual([
      '0.550',
      '0.917',
    ]);
    // Angiectasia is not a class of the base model: "before" could not predict it, and the page says so.
    expect(screen.getAllByTestId('teach-new-class-note').map((n) => n.textContent)).toEqual([
      '“Angiectasia” is a new class: the model before could not predict it, so its “before” figures are zero.',
    ]);
    const polyps = screen.getByTestId('teach-per-class').querySelector('tr[data-class="2_polyps"]');
    expect(Array.from(polyps?.children ?? [], (c) => c.textContent)).toEqual([
      'Polyp',
      '0.800',
      '1.000',
      '0.800',
      '1.000',
      '0.550',
      '0.917',
      '5',
    ]);
    const before = screen.getByTestId('teach-confusion-before');
    expect(
      within(before)
        .getAllByRole('columnheader')
        .map((h) => h.textContent),
    ).toEqual(['Normal mucosa', 'Polyp', 'Angiectasia']);
    expect(within(before).getAllByRole('row')[3].textContent).toBe('Angiectasia110');
    // The curves' code (recharts) loads when they are first shown.
    expect(await screen.findByTestId('teach-curve-loss')).toBeTruthy();
    expect(screen.getByTestId('teach-curve-accuracy').textContent).toContain('last epoch 2: training frames 0.700, inner check 0.600.');

    fireEvent.click(screen.getByTestId('teach-accept'));
    expect(a.onAccept).toHaveBeenCalledTimes(1);
    fireEvent.click(screen.getByTestId('teach-discard'));
    expect(a.onDiscard).toHaveBeenCalledTimes(1);
  });

  it('cannot accept a version that was not stored, and drops the new-class note once the version is the active model', () => {
    const a = actions();
    setTeach({ status: 'done', plan, result, error: { code: 'storage', message: 'The browser storage is full.' } });
    render(<TeachView {...a} />);
    expect(screen.getByTestId<HTMLButtonElement>('teach-accept').disabled).toBe(true);
    expect(screen.getByTestId('teach-accept-help').textContent).toBe(
      'This version could not be stored in this browser, so it cannot be accepted.',
    );
    expect(screen.getByRole('alert').getAttribute('data-code')).toBe('storage');
    fireEvent.click(screen.getByTestId('teach-export-unsaved'));
    expect(a.onExportVersion).toHaveBeenCalledWith('');
    cleanup();
    act(() => {
      setTeach({ error: undefined });
      useAppStore.setState({ model: { status: 'ready', source: 'custom', metadata: validateMetadata(result.metadata) } });
    });
    render(<TeachView {...a} />);
    expect(screen.getByTestId('teach-accept-help').textContent).toBe('This version is now the active model.');
    expect(screen.queryByTestId('teach-new-class-note')).toBeNull();
    fireEvent.click(screen.getByRole('button', { name: 'Close these results' }));
    expect(a.onDiscard).toHaveBeenCalledTimes(1);
  });

  it('offers fine-tuning the backbone, shows its epochs while it runs, and says when it was skipped', () => {
    setTeach({ gathered: [...frames('0_normal', 12), ...frames('2_polyps', 12)] });
    render(<TeachView {...actions()} />);
    const box = screen.getByTestId<HTMLInputElement>('teach-fine-tune');
    expect(box.checked).toBe(false);
    fireEvent.click(box);
    expect(useAppStore.getState().teach.method).toBe('last-blocks');
    act(() => setTeach({ status: 'training', progress: { phase: 'fine-tuning', done: 2, total: 8, elapsedMs: 1, etaMs: 12_000 } }));
    expect(status().textContent).toBe('Fine-tuning the backbone: epoch 3 / 8 · about 12 s left');
    expect(screen.getByTestId<HTMLInputElement>('teach-fine-tune').disabled).toBe(true);
    act(() =>
      setTeach({ status: 'done', progress: undefined, plan, result: { ...result, method: 'head-only', fineTuneSkipped: 'kfold' } }),
    );
    expect(screen.getByTestId('teach-method').textContent).toContain('The backbone was not fine-tuned');
  });

  it('says when the comparison is k-fold, and shows no results or accept before a run', () => {
    setTeach({ status: 'done', plan, result: { ...result, plan: { ...plan, mode: 'kfold', folds: 4, heldOutCount: 62 } } });
    render(<TeachView {...actions()} />);
    const heldOut = screen.getByTestId('teach-heldout');
    expect([heldOut.getAttribute('data-mode'), heldOut.getAttribute('data-folds')]).toEqual(['kfold', '4']);
    expect(heldOut.textContent).toContain('same 62 frames, each held out once (4-fold cross-validation)');
    cleanup();
    useAppStore.getState().reset();
    render(<TeachView {...actions()} />);
    expect(screen.queryByTestId('teach-results')).toBeNull();
    expect(screen.queryByTestId('teach-accept')).toBeNull();
  });
});

describe('TeachView: versions', () => {
  const version = (id: string, state: 'candidate' | 'kept') => ({
    id,
    createdAt: '2026-11-30T10:00:00Z',
    name: 'Base',
    version: `taught-${id}`,
    classes,
    state,
    heldOutMacroF1: 0.917,
    baseName: 'Base 1',
  });

  it('lists versions with the active one marked, and uses, exports and deletes (after asking)', () => {
    const a = actions();
    useAppStore.getState().setModelVersions([version('v2', 'candidate'), version('v1', 'kept')]);
    // v1 is the loaded model (same name and version), so it is the active one.
    useAppStore.setState({
      model: { status: 'ready', source: 'custom', metadata: validateMetadata({ ...baseJson, version: 'taught-v1' }) },
    });
    render(<TeachView {...a} />);
    const rows = screen.getAllByTestId('teach-version');
    expect(rows.map((r) => [r.getAttribute('data-version-id'), r.getAttribute('data-active')])).toEqual([
      ['v2', 'false'],
      ['v1', 'true'],
    ]);
    expect(rows[0].textContent).toContain('Not accepted yet');
    expect(rows[0].textContent).toContain('Normal mucosa, Polyp, Angiectasia');
    expect(rows[1].textContent).toContain('Active');
    expect(within(rows[1]).getByRole<HTMLButtonElement>('button', { name: 'Use Base taught-v1' }).disabled).toBe(true);

    fireEvent.click(within(rows[0]).getByRole('button', { name: 'Use Base taught-v2' }));
    expect(a.onUseVersion).toHaveBeenCalledWith('v2');
    fireEvent.click(within(rows[0]).getByRole('button', { name: 'Export .zip Base taught-v2' }));
    expect(a.onExportVersion).toHaveBeenCalledWith('v2');

    const confirm = vi.spyOn(window, 'confirm').mockReturnValueOnce(false).mockReturnValueOnce(true);
    try {
      const del = within(rows[1]).getByRole('button', { name: 'Delete Base taught-v1' });
      fireEvent.click(del);
      expect(a.onDeleteVersion).not.toHaveBeenCalled();
      fireEvent.click(del);
      expect(a.onDeleteVersion).toHaveBeenCalledWith('v1');
    } finally {
      confirm.mockRestore();
    }
    fireEvent.click(screen.getByRole('button', { name: 'Use the embedded model' }));
    expect(a.onUseEmbedded).toHaveBeenCalledTimes(1);
  });
});

describe('teach texts', () => {
  const leaves = (obj: object, prefix = ''): Record<string, string> =>
    Object.fromEntries(
      Object.entries(obj).flatMap(([k, v]) =>
        typeof v === 'string' ? [[`${prefix}${k}`, v]] : Object.entries(leaves(v as object, `${prefix}${k}.`)),
      ),
    );

  it('has the same keys and placeholders in English and Spanish, none empty, and a text per error code', () => {
    const en = leaves(teachResources.en);
    const es = leaves(teachResources.es);
    const placeholders = (s: string) => (s.match(/\{\{\w+\}\}/g) ?? []).sort();
    expect(Object.keys(es).sort()).toEqual(Object.keys(en).sort());
    for (const [k, text] of Object.entries(en)) {
      expect(placeholders(es[k]), k).toEqual(placeholders(text));
      expect(text.trim(), k).not.toBe('');
    }
    for (const code of ['no-frames', 'all-failed', 'plan', 'base-model', 'training', 'internal', 'storage', 'interrupted', 'cancelled'])
      expect(en[`teach.train.errors.${code}`], code).toBeTruthy();
  });
});
