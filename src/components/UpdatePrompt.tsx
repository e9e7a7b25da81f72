import { useTranslation } from 'react-i18next';
import { useRegisterSW } from 'virtual:pwa-register/react';

/**
 * Asks the waiting service worker to take over, then reloads once it controls the page. (The
 * plugin's own reload only fires when the page was already controlled at load time.)
 */
function reloadIntoNewVersion(update: (reload?: boolean) => Promise<void>): void {
  navigator.serviceWorker?.addEventListener('controllerchange', () => location.reload(), { once: true });
  void update(true);
}

/** Announces a new version (waiting service worker) with a reload button. */
export function UpdatePrompt() {
  const { t } = useTranslation();
  const {
    needRefresh: [needRefresh, setNeedRefresh],
    offlineReady: [offlineReady, setOfflineReady],
    updateServiceWorker,
  } = useRegisterSW({ immediate: true });
  if (!needRefresh && !offlineReady) return null;
  return (
    <div className="toast" role="status" data-testid={needRefresh ? 'update-prompt' : 'offline-ready'}>
      {needRefresh ? (
        <>
          <span>{t('pwa.update')}</span>
          <button type="button" onClick={() => reloadIntoNewVersion(updateServiceWorker)}>
            {t('pwa.reload')}
          </button>
          <button type="button" onClick={() => setNeedRefresh(false)}>
            {t('pwa.later')}
          </button>
        </>
      ) : (
        <>
          <span>{t('pwa.offlineReady')}</span>
          <button type="button" onClick={() => setOfflineReady(false)} aria-label="OK">
            ✓
          </button>
        </>
      )}
    </div>
  );
}
