/**
 * A taught version (issue 13) says so before anything else on its card: it learned from the user's
 * own frames, from which model, how, and that its figures come from a few of those frames.
 */
import { useTranslation } from 'react-i18next';
import type { ModelMetadata } from '../../core/metadata.ts';

export function TaughtNotice({ metadata }: { metadata: ModelMetadata }) {
  const { t, i18n } = useTranslation();
  const teach = metadata.teach;
  if (!teach) return null;
  const lang = i18n.language === 'es' ? 'es' : 'en';
  const frames = Object.values(teach.frames).reduce((s, list) => s + list.length, 0);
  const perClass = metadata.classes.map((c) => `${c.display[lang]}: ${teach.frames[c.name]?.length ?? 0}`).join(', ');
  return (
    <p className="statement" role="note" data-testid="model-card-taught" data-method={teach.recipe.method}>
      <strong>{t('modelCard.taught.title')}</strong>{' '}
      {t('modelCard.taught.body', { frames, perClass, base: `${teach.base.name} ${teach.base.version}` })}{' '}
      {t(`modelCard.taught.method.${teach.recipe.method}`)}
    </p>
  );
}
