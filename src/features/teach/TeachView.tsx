import { useTranslation } from 'react-i18next';
import { ModelVersions } from './ModelVersions.tsx';
import type { TeachActions } from './teach-actions.ts';
import { TeachResults } from './TeachResults.tsx';
import { TrainingFrames } from './TrainingFrames.tsx';
import { TrainPanel } from './TrainPanel.tsx';

/** Issue 13: teach the active model the user's own classes, compare before and after, keep versions. */
export function TeachView(props: TeachActions) {
  const { t } = useTranslation();
  return (
    <section className="teach" aria-labelledby="teach-title" data-testid="teach-view">
      <h2 id="teach-title">{t('teach.title')}</h2>
      <p className="hint">{t('teach.intro')}</p>
      <TrainingFrames onImportFiles={props.onImportFiles} onAddReviewed={props.onAddReviewed} />
      <TrainPanel onStart={props.onStart} onCancel={props.onCancel} />
      <TeachResults onAccept={props.onAccept} onDiscard={props.onDiscard} onExportVersion={props.onExportVersion} />
      <ModelVersions
        onUseVersion={props.onUseVersion}
        onUseEmbedded={props.onUseEmbedded}
        onExportVersion={props.onExportVersion}
        onDeleteVersion={props.onDeleteVersion}
      />
    </section>
  );
}
