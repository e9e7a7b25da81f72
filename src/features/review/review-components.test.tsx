// @vitest-environment jsdom
import { act, cleanup, fireEvent, render, screen } from '@testing-library/react';
import i18next from 'i18next';
import { useState } from 'react';
import { afterEach, beforeAll, describe, expect, it } from 'vitest';
import { computeAgreement } from '../../domain/agreement.ts';
import { AgreementTable } from '../../components/AgreementTable.tsx';
import { ConfidenceMarker } from '../../components/ConfidenceMarker.tsx';
import { ReviewWorkspace, type ReviewWorkspaceFrame } from './ReviewWorkspace.tsx';
import type { ReviewMap } from '../../domain/review.ts';
import { initTestI18n } from '../../i18n/test-i18n.test-helpers.ts';

beforeAll(() => initTestI18n());
afterEach(cleanup);

const classes = [
  { name: '0_normal', label: 'Normal mucosa' },
  { name: '2_polyps', label: 'Polyp' },
];
const frames: ReviewWorkspaceFrame[] = [
  { id: 'a', fileName: 'a.jpg', predictedClass: '0_normal', confidence: 0.97 },
  { id: 'b', fileName: 'b.jpg', predictedClass: '2_polyps', confidence: 0.55 },
  { id: 'c', fileName: 'c.jpg', predictedClass: '0_normal', confidence: 0.91 },
  { id: 'd', fileName: 'd.jpg', predictedClass: '2_polyps', confidence: 0.35 },
];

let lastReviews: ReviewMap = {};
function Harness() {
  const [reviews, setReviews] = useState<ReviewMap>({});
  const [index, setIndex] = useState(0);
  return (
    <ReviewWorkspace
      frames={frames}
      classes={classes}
      thresholds={{ confident: 0.8, low: 0.5 }}
      reviews={reviews}
      onReviewsChange={(next) => {
        lastReviews = next;
        setReviews(next);
      }}
      currentIndex={index}
      onCurrentIndexChange={setIndex}
      renderFrame={(f) => <p data-testid="current">{f.fileName}</p>}
      now={() => new Date('2026-11-26T12:00:00Z')}
    />
  );
}

const key = (k: string, target: Element | Window = window) => act(() => void fireEvent.keyDown(target, { key: k }));

describe('ConfidenceMarker', () => {
  it('shows a word and a different shape for each level', () => {
    render(
      <>
        <ConfidenceMarker level="confident" />
        <ConfidenceMarker level="uncertain" />
        <ConfidenceMarker level="low" thresholds={{ confident: 0.8, low: 0.5 }} />
      </>,
    );
    const markers = screen.getAllByTestId('confidence-marker');
    expect(markers.map((m) => m.textContent)).toEqual(['Confident', 'Uncertain', 'Low confidence']);
    const shapes = markers.map((m) => m.querySelector('svg')?.getAttribute('data-shape'));
    expect(new Set(shapes).size).toBe(3);
    expect(markers[2].getAttribute('title')).toBe('Top probability below 0.5');
  });

  it('marks a frame unlike the training images with its own shape, word and plain explanation, in Spanish too', async () => {
    const { unmount } = render(
      <>
        <ConfidenceMarker level="confident" />
        <ConfidenceMarker level="uncertain" />
        <ConfidenceMarker level="low" />
        <ConfidenceMarker level="unfamiliar" />
      </>,
    );
    const markers = screen.getAllByTestId('confidence-marker');
    const shapes = markers.map((m) => m.querySelector('svg')?.getAttribute('data-shape'));
    expect(shapes).toEqual(['circle', 'triangle', 'square', 'octagon']);
    const marker = markers[3];
    expect(marker.getAttribute('data-level')).toBe('unfamiliar');
    expect(marker.textContent).toBe('Unlike training images'); // the question mark is drawn, not text
    expect(marker.getAttribute('title')).toMatch(
      /far from every class the model was trained on .*not an endoscopy frame.*probabilities are not meaningful/,
    );
    unmount();
    await i18next.changeLanguage('es');
    render(<ConfidenceMarker level="unfamiliar" compact />);
    const es = screen.getByTestId('confidence-marker');
    expect(es.textContent).toBe('Distinta de las imágenes de entrenamiento'); // the word stays for screen readers
    expect(es.getAttribute('title')).toMatch(/no es una imagen de endoscopia/);
    await i18next.changeLanguage('en');
  });
});

describe('ReviewWorkspace by keyboard', () => {
  it('moves, assigns by number, confirms, finds uncertain frames and writes a note', () => {
    render(<Harness />);
    expect(screen.getByTestId('current').textContent).toBe('a.jpg');
    key('Enter'); // confirm the model's class for a
    expect(lastReviews.a).toEqual({ reviewedClass: '0_normal', reviewedAt: '2026-11-26T12:00:00.000Z' });
    key('j');
    expect(screen.getByTestId('current').textContent).toBe('b.jpg');
    key('1'); // correct b to the first class
    expect(lastReviews.b.reviewedClass).toBe('0_normal');
    expect(screen.getByTestId('review-status-text').textContent).toBe('Reviewed: corrected (model said Polyp)');
    expect(screen.getByRole('button', { name: /Normal mucosa/ }).getAttribute('aria-pressed')).toBe('true');
    key('k');
    expect(screen.getByTestId('current').textContent).toBe('a.jpg');
    key('u'); // b is uncertain but reviewed now -> d (low) is next
    expect(screen.getByTestId('current').textContent).toBe('d.jpg');
    key('n');
    const note = screen.getByRole('textbox', { name: 'Note' });
    expect(document.activeElement).toBe(note);
    fireEvent.change(note, { target: { value: 'blurred frame' } });
    key('j', note); // typing: no navigation
    expect(screen.getByTestId('current').textContent).toBe('d.jpg');
    fireEvent.keyDown(note, { key: 'Escape' }); // leaves the field and saves the note
    expect(lastReviews.d).toEqual({ note: 'blurred frame', reviewedAt: '2026-11-26T12:00:00.000Z' });
    key('x'); // nothing to clear on d, the note stays
    expect(lastReviews.d.note).toBe('blurred frame');
    key('u');
    expect(screen.getByTestId('current').textContent).toBe('d.jpg'); // the only unreviewed uncertain one
  });

  it('saves a note draft when moving to another frame', () => {
    render(<Harness />);
    fireEvent.change(screen.getByRole('textbox', { name: 'Note' }), { target: { value: 'check again' } });
    fireEvent.click(screen.getByRole('button', { name: 'Next frame' }));
    expect(lastReviews.a?.note).toBe('check again');
    expect(screen.getByTestId('current').textContent).toBe('b.jpg');
  });

  it('opens the help overlay with ? and closes it with Escape, blocking review keys while open', () => {
    render(<Harness />);
    key('?');
    const dialog = screen.getByRole('dialog', { name: 'Keyboard shortcuts' });
    expect(dialog.textContent).toContain('Next uncertain, low-confidence or unfamiliar frame not yet reviewed');
    expect(dialog.textContent).toContain('Polyp');
    key('j');
    expect(screen.getByTestId('current').textContent).toBe('a.jpg');
    key('Escape');
    expect(screen.queryByRole('dialog')).toBeNull();
  });
});

describe('ReviewWorkspace with a frame unlike the training images', () => {
  const withNoise: ReviewWorkspaceFrame[] = [
    { id: 'a', fileName: 'a.jpg', predictedClass: '0_normal', confidence: 0.97 },
    { id: 'n', fileName: 'noise.png', predictedClass: '0_normal', confidence: 0.997, unfamiliar: true },
    { id: 'c', fileName: 'c.jpg', predictedClass: '0_normal', confidence: 0.91, unfamiliar: false },
  ];
  function NoiseHarness() {
    const [reviews, setReviews] = useState<ReviewMap>({});
    const [index, setIndex] = useState(0);
    return (
      <ReviewWorkspace
        frames={withNoise}
        classes={classes}
        thresholds={{ confident: 0.8, low: 0.5 }}
        reviews={reviews}
        onReviewsChange={setReviews}
        currentIndex={index}
        onCurrentIndexChange={setIndex}
        renderFrame={(f) => <p data-testid="current">{f.fileName}</p>}
      />
    );
  }

  it('"next uncertain" visits it despite its 99.7 %, and the panel says it is not a finding', () => {
    render(<NoiseHarness />);
    expect(screen.queryByTestId('unfamiliar-note')).toBeNull();
    key('u');
    expect(screen.getByTestId('current').textContent).toBe('noise.png');
    expect(screen.getByTestId('confidence-marker').getAttribute('data-level')).toBe('unfamiliar');
    expect(screen.getByTestId('unfamiliar-note').textContent).toMatch(
      /^Not a finding: this frame is unlike the images the model was trained on/,
    );
    key('u');
    expect(screen.getByTestId('current').textContent).toBe('noise.png'); // the only one: c is confident and familiar
  });
});

describe('AgreementTable', () => {
  it('shows overall and per-class agreement, in Spanish too', async () => {
    const summary = computeAgreement(
      [
        { predictedClass: '0_normal', review: { reviewedClass: '0_normal' } },
        { predictedClass: '2_polyps', review: { reviewedClass: '0_normal' } },
        { predictedClass: '2_polyps' },
      ],
      ['0_normal', '2_polyps'],
    );
    const labelOf = (n: string) => classes.find((c) => c.name === n)?.label ?? n;
    const { unmount } = render(<AgreementTable summary={summary} labelOf={labelOf} />);
    expect(screen.getByText('2 of 3 frames reviewed')).toBeTruthy();
    expect(screen.getByTestId('agreement-overall').textContent).toBe('50% (1/2)');
    expect(screen.getByRole('row', { name: /Polyp/ }).textContent).toBe('Polyp1000%');
    unmount();
    await i18next.changeLanguage('es');
    render(<AgreementTable summary={summary} labelOf={labelOf} />);
    expect(screen.getByText('2 de 3 imágenes revisadas')).toBeTruthy();
    await i18next.changeLanguage('en');
  });
});
