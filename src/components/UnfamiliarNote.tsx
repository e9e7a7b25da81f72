/** The line that keeps a frame flagged by the familiarity check from reading as a confident finding. */
import { useTranslation } from 'react-i18next';

export function UnfamiliarNote() {
  const { t } = useTranslation();
  return (
    <p className="unfamiliar-note" role="note" data-testid="unfamiliar-note">
      <strong>{t('review.unfamiliarNote')}</strong>
    </p>
  );
}
