import { useTranslation } from 'react-i18next';
import { useAppStore } from '../../store/store.ts';

/** Header badge: model readiness and the backend running it, with why (automation hooks: model-status, backend). */
export function ModelStatus() {
  const { t } = useTranslation();
  const model = useAppStore((s) => s.model);
  return (
    <div className="model-status">
      <span data-testid="model-status" data-state={model.status} role="status">
        {model.status === 'loading' && t('model.loading')}
        {model.status === 'ready' && t('model.ready', { name: model.metadata?.name, version: model.metadata?.version })}
        {model.status === 'error' && t('model.error')}
      </span>
      {model.status === 'ready' && (
        <span
          className="backend"
          data-testid="backend"
          data-backend={model.backend}
          data-backend-reason={model.backendReason}
          title={model.backendReason ? t(`model.backendReason_${model.backendReason}`) : undefined}
        >
          {t('model.backend', { backend: model.backend })}
          {model.backendReason ? ` (${t(`model.backendReason_${model.backendReason}`)})` : ''}
        </span>
      )}
    </div>
  );
}
