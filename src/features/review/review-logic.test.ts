import { describe, expect, it } from 'vitest';
import { findNext, nextUncertain, nextUnreviewed, stepIndex } from './navigation.ts';
import { assignClass, clearClass, isReviewed, setNote } from './review-state.ts';
import { isTypingTarget, resolveShortcut } from './shortcuts.ts';
import type { ReviewableFrame } from '../../domain/review.ts';

describe('navigation', () => {
  const frames: ReviewableFrame[] = [
    { id: 'f0', predictedClass: 'a', confidence: 0.95 },
    { id: 'f1', predictedClass: 'a', confidence: 0.6 },
    { id: 'f2', predictedClass: 'b', confidence: 0.99 },
    { id: 'f3', predictedClass: 'b', confidence: 0.3, review: { reviewedClass: 'b' } },
    { id: 'f4', predictedClass: 'a', confidence: 0.4 },
  ];
  const t = { confident: 0.8, low: 0.5 };

  it('finds the next uncertain frame, skipping reviewed ones and wrapping around', () => {
    expect(nextUncertain(frames, 0, t)).toBe(1);
    expect(nextUncertain(frames, 1, t)).toBe(4);
    expect(nextUncertain(frames, 4, t)).toBe(1);
    expect(nextUncertain(frames, 4, t, { direction: -1 })).toBe(1);
    expect(nextUncertain(frames, 1, t, { includeReviewed: true })).toBe(3);
    expect(nextUncertain(frames, -1, t, { levels: ['low'] })).toBe(4);
    expect(nextUncertain(frames.slice(0, 1), 0, t)).toBe(-1);
  });

  it('visits frames unlike the training images however high their top probability', () => {
    const withNoise: ReviewableFrame[] = [
      { id: 'n0', predictedClass: 'a', confidence: 0.95 },
      { id: 'n1', predictedClass: 'a', confidence: 0.997, unfamiliar: true },
      { id: 'n2', predictedClass: 'b', confidence: 0.99, unfamiliar: false },
    ];
    expect(nextUncertain(withNoise, 0, t)).toBe(1);
    expect(nextUncertain(withNoise, 1, t)).toBe(1);
    expect(nextUncertain(withNoise, 0, t, { levels: ['unfamiliar'] })).toBe(1);
    expect(nextUncertain(withNoise, 0, t, { levels: ['uncertain', 'low'] })).toBe(-1);
  });

  it('returns the current frame when it is the only match, and -1 on an empty list', () => {
    expect(findNext([1, 2, 3], 1, 1, (x) => x === 2)).toBe(1);
    expect(findNext([], 0, 1, () => true)).toBe(-1);
  });

  it('steps and clamps at the ends', () => {
    expect(stepIndex(5, 4, 1)).toBe(4);
    expect(stepIndex(5, 0, -1)).toBe(0);
    expect(stepIndex(5, -1, 1)).toBe(0);
    expect(stepIndex(5, -1, -1)).toBe(4);
    expect(stepIndex(0, 0, 1)).toBe(-1);
    expect(nextUnreviewed(frames, 2)).toBe(4);
  });
});

describe('review state updates', () => {
  const now = new Date('2026-11-26T10:00:00Z');
  it('assigns, notes and clears without mutating, keeping the note when the class is cleared', () => {
    const empty = {};
    const a = assignClass(empty, 'f1', '2_polyps', now);
    expect(empty).toEqual({});
    expect(a.f1).toEqual({ reviewedClass: '2_polyps', reviewedAt: '2026-11-26T10:00:00.000Z' });
    const b = setNote(a, 'f1', 'small sessile polyp', now);
    expect(b.f1.note).toBe('small sessile polyp');
    expect(a.f1.note).toBeUndefined();
    const c = clearClass(b, 'f1', now);
    expect(c.f1).toEqual({ note: 'small sessile polyp', reviewedAt: '2026-11-26T10:00:00.000Z' });
    expect(isReviewed(c.f1)).toBe(false);
    expect(isReviewed(b.f1)).toBe(true);
    const d = setNote(c, 'f1', '', now);
    expect(d.f1).toBeUndefined();
    expect(setNote(d, 'f9', '', now)).toBe(d); // nothing to change -> same object
    expect(() => assignClass(d, 'f1', '', now)).toThrow(/class name/);
  });
});

describe('resolveShortcut', () => {
  const el = (tagName: string, type?: string) => ({ tagName, type, isContentEditable: false }) as unknown as EventTarget;
  it('maps keys to actions, numbers to classes within the model', () => {
    expect(resolveShortcut({ key: 'j' }, 4)).toEqual({ type: 'next' });
    expect(resolveShortcut({ key: 'ArrowUp' }, 4)).toEqual({ type: 'previous' });
    expect(resolveShortcut({ key: '3' }, 4)).toEqual({ type: 'assign', classIndex: 2 });
    expect(resolveShortcut({ key: '5' }, 4)).toBeNull();
    expect(resolveShortcut({ key: '0' }, 4)).toBeNull();
    expect(resolveShortcut({ key: 'u' }, 4)).toEqual({ type: 'nextUncertain' });
    expect(resolveShortcut({ key: 'U' }, 4)).toEqual({ type: 'previousUncertain' });
    expect(resolveShortcut({ key: '?' }, 4)).toEqual({ type: 'help' });
    expect(resolveShortcut({ key: 'Enter' }, 4)).toEqual({ type: 'confirm' });
    expect(resolveShortcut({ key: 'q' }, 4)).toBeNull();
  });
  it('stays out of the way while typing, of modifier shortcuts and of focused buttons', () => {
    expect(resolveShortcut({ key: 'j', target: el('TEXTAREA') }, 4)).toBeNull();
    expect(resolveShortcut({ key: '1', target: el('INPUT', 'text') }, 4)).toBeNull();
    expect(resolveShortcut({ key: 'ArrowRight', target: el('INPUT', 'range') }, 4)).toBeNull();
    expect(resolveShortcut({ key: 'Escape', target: el('TEXTAREA') }, 4)).toEqual({ type: 'close' });
    expect(resolveShortcut({ key: 'j', target: el('INPUT', 'checkbox') }, 4)).toEqual({ type: 'next' });
    expect(resolveShortcut({ key: 'Enter', target: el('BUTTON') }, 4)).toBeNull();
    expect(resolveShortcut({ key: 'k', ctrlKey: true }, 4)).toBeNull();
    expect(isTypingTarget(null)).toBe(false);
  });
});
