import { useTranslation } from 'react-i18next';
import type { ModelState } from '../../store/types.ts';
import { LoadModelPanel, type ModelLoadActions } from './LoadModelPanel.tsx';

/** Full page shown instead of the app when no model can run: what went wrong and what to do. */
export function ModelErrorPage({ model, onRetry, ...loadActions }: { model: ModelState; onRetry: () => void } & ModelLoadActions) {
  const { t } = useTranslation();
  const kind = model.error?.kind ?? 'corrupt';
  return (
    <main className="model-error" data-testid="model-error" data-kind={kind}>
      <h1>{t('modelError.title')}</h1>
      <p role="alert">
        <strong>{t(`modelError.${kind}`)}</strong>
      </p>
      <details open>
        <summary>{t('modelError.details')}</summary>
        <pre className="details">{model.error?.message}</pre>
      </details>
      <h2>{t('modelError.whatToDo')}</h2>
      <ul>
        <li>{t('modelError.doEmbedded')}</li>
        <li>{t('modelError.doBrowser')}</li>
        <li>{t('modelError.doLoad')}</li>
      </ul>
      <LoadModelPanel {...loadActions} />
      <p>
        <button type="button" onClick={onRetry}>
          {t('modelError.retry')}
        </button>
      </p>
    </main>
  );
}
