/** "Reviewed" vs "Not reviewed" for a frame card, with a tick or an empty circle as well as the word. */
import { useTranslation } from 'react-i18next';
import type { ReviewState } from '../domain/review.ts';

export function ReviewStatusBadge({ review, predictedClass }: { review?: ReviewState; predictedClass: string }) {
  const { t } = useTranslation();
  const reviewed = Boolean(review?.reviewedClass);
  const corrected = reviewed && review?.reviewedClass !== predictedClass;
  return (
    <span
      className={`review-badge review-badge--${reviewed ? (corrected ? 'corrected' : 'confirmed') : 'unreviewed'}`}
      data-testid="review-status"
      data-reviewed={reviewed ? 'true' : 'false'}
      data-reviewed-class={review?.reviewedClass ?? ''}
    >
      <span aria-hidden="true">{reviewed ? (corrected ? '✎ ' : '✓ ') : '○ '}</span>
      {t(reviewed ? 'review.statusShort.reviewed' : 'review.statusShort.unreviewed')}
    </span>
  );
}
