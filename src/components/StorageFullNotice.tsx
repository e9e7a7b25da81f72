import { useTranslation } from 'react-i18next';
import { useAppStore } from '../store/store.ts';

/** Shown once a write was refused for lack of space, until the page is closed (what was not saved stays unsaved). */
export function StorageFullNotice() {
  const { t } = useTranslation();
  const full = useAppStore((s) => s.storage.full);
  if (!full) return null;
  return (
    <p className="banner error-text" role="alert" data-testid="storage-full">
      {t('storage.full')}
    </p>
  );
}
