/** Pure updates of the review map (the store calls these; they never mutate their input). */
import type { ReviewMap, ReviewState } from '../../domain/review.ts';

function withFrame(reviews: ReviewMap, id: string, next: ReviewState): ReviewMap {
  const copy = { ...reviews };
  const empty = next.reviewedClass === undefined && (next.note === undefined || next.note === '');
  if (empty) delete copy[id];
  else copy[id] = next;
  return copy;
}

/** Sets the clinician's class (confirming = assigning the model's own class). */
export function assignClass(reviews: ReviewMap, id: string, className: string, now: Date = new Date()): ReviewMap {
  if (!className) throw new RangeError(`A reviewed class must be a class name, got ${JSON.stringify(className)}.`);
  return withFrame(reviews, id, { ...reviews[id], reviewedClass: className, reviewedAt: now.toISOString() });
}

export function setNote(reviews: ReviewMap, id: string, note: string, now: Date = new Date()): ReviewMap {
  const prev = reviews[id];
  if ((prev?.note ?? '') === note) return reviews;
  const next: ReviewState = { ...prev, reviewedAt: now.toISOString() };
  if (note === '') delete next.note;
  else next.note = note;
  return withFrame(reviews, id, next);
}

/** Undoes the class decision but keeps the note (a clinician's words are never dropped silently). */
export function clearClass(reviews: ReviewMap, id: string, now: Date = new Date()): ReviewMap {
  const prev = reviews[id];
  if (!prev?.reviewedClass) return reviews;
  const { reviewedClass: _dropped, ...rest } = prev;
  return withFrame(reviews, id, { ...rest, reviewedAt: now.toISOString() });
}

export function isReviewed(review: ReviewState | undefined): boolean {
  return Boolean(review?.reviewedClass);
}
