import { useEffect, useState } from 'react';
import { useTranslation } from 'react-i18next';
import { bindHeatmapQueue, heatmapQueue } from './app/heatmaps.ts';
import {
  addFiles,
  applyBackendSetting,
  cancelClassification,
  clearSession,
  loadCustomModelFiles,
  resumeCancelled,
  scorePixels,
  startApp,
  switchToEmbeddedModel,
} from './app/session.ts';
import { SessionMenu } from './app/SessionMenu.tsx';
import {
  acceptCandidate,
  addReviewedFrames,
  cancelTeaching,
  deleteVersion,
  discardCandidate,
  exportVersion,
  importTeachFiles,
  startTeaching,
  activateEmbedded,
  activateVersion,
} from './app/teach-session.ts';
import { addVideos, cancelVideo, clearVideos, isVideoFile, pauseVideo, resumeVideo, videoFile } from './app/video-session.ts';
import { StorageFullNotice } from './components/StorageFullNotice.tsx';
import { UpdatePrompt } from './components/UpdatePrompt.tsx';
import { chartHeight } from './features/charts/chart-size.ts';
import { ProbabilityChart } from './features/charts/lazy-charts.tsx';
import { FrameHeatmap } from './features/gradcam/FrameHeatmap.tsx';
import { LazyMount } from './components/LazyMount.tsx';
import { LoadModelPanel } from './features/model-card/LoadModelPanel.tsx';
import { ModelCard } from './features/model-card/ModelCard.tsx';
import { ModelErrorPage } from './features/model-card/ModelErrorPage.tsx';
import { ModelStatus } from './features/model-card/ModelStatus.tsx';
import type { ChartRequest } from './features/results/FrameCard.tsx';
import { ResultsView, type DetailRequest } from './features/results/ResultsView.tsx';
import { FrameDetail } from './features/review/FrameDetail.tsx';
import { LiveView } from './features/live/LiveView.tsx';
import type { TeachActions } from './features/teach/teach-actions.ts';
import { TeachView } from './features/teach/TeachView.tsx';
import { SettingsPanel } from './features/settings/SettingsPanel.tsx';
import { DropZone } from './features/upload/DropZone.tsx';
import type { VideoActions } from './features/video/VideoCard.tsx';
import { VideoList } from './features/video/VideoList.tsx';
import { VideoSettings } from './features/video/VideoSettings.tsx';
import { ProgressPanel } from './features/upload/ProgressPanel.tsx';
import { LanguageSelect } from './components/LanguageSelect.tsx';
import { useAppStore } from './store/store.ts';

type Tab = 'frames' | 'modelCard' | 'live' | 'teach' | 'settings';
const TABS: Tab[] = ['frames', 'modelCard', 'live', 'teach', 'settings'];

/** Charts only for cards near the viewport (1000 frames must stay responsive). Stable identity keeps cards memoised. */
function renderChart(req: ChartRequest) {
  return (
    <LazyMount minHeight={chartHeight(req.labels.length)}>
      <ProbabilityChart {...req} />
    </LazyMount>
  );
}

/** The review view of one frame: the review feature's workspace around the Grad-CAM feature's image. */
function renderDetail(req: DetailRequest) {
  return <FrameDetail {...req} renderFrame={(f) => <FrameHeatmap key={`image-${f.id}`} frame={f} queue={heatmapQueue} />} />;
}

// Features get the app's actions as props: they never import the app layer.
// Videos go to video analysis, everything else to frame classification (which says what it cannot read).
const onFiles = (files: File[]) => {
  void addVideos(files.filter(isVideoFile));
  void addFiles(files.filter((f) => !isVideoFile(f)));
};
const videoActions: VideoActions = {
  onPause: pauseVideo,
  onResume: resumeVideo,
  onCancel: cancelVideo,
  onSaveFrame: (file) => void addFiles([file]),
  loadFile: videoFile,
};
const onResume = () => void resumeCancelled();
const onBackendChange = () => void applyBackendSetting();
const onClearSession = () => {
  clearVideos();
  void clearSession();
};
const onUseEmbedded = () => void switchToEmbeddedModel();
const onSaveLiveFrame = (file: File) => void addFiles([file]);
const teachActions: TeachActions = {
  onImportFiles: importTeachFiles,
  onAddReviewed: () => void addReviewedFrames(),
  onStart: () => void startTeaching(),
  onCancel: cancelTeaching,
  onAccept: () => void acceptCandidate(),
  onDiscard: () => void discardCandidate(),
  onUseVersion: (id) => void activateVersion(id),
  onUseEmbedded: () => void activateEmbedded(),
  onExportVersion: (id) => void exportVersion(id),
  onDeleteVersion: (id) => void deleteVersion(id),
};

export function App() {
  const { t } = useTranslation();
  const model = useAppStore((s) => s.model);
  const [tab, setTab] = useState<Tab>('frames');
  useEffect(() => bindHeatmapQueue(), []);

  if (model.status === 'error' && model.source === 'embedded') {
    return (
      <>
        <header>
          <Disclaimer />
        </header>
        <ModelErrorPage model={model} onRetry={() => void startApp()} onLoadFiles={loadCustomModelFiles} onUseEmbedded={onUseEmbedded} />
      </>
    );
  }

  const onTabKey = (e: React.KeyboardEvent, i: number) => {
    const next = e.key === 'ArrowRight' ? (i + 1) % TABS.length : e.key === 'ArrowLeft' ? (i + TABS.length - 1) % TABS.length : -1;
    if (next >= 0) {
      setTab(TABS[next]);
      document.getElementById(`tab-${TABS[next]}`)?.focus();
    }
  };

  return (
    <>
      {/* Every part of the page sits in a landmark (header, nav, main): screen-reader users jump between them. */}
      <header>
        <div className="header">
          <div>
            <h1>{t('app.title')}</h1>
            <p className="tagline">{t('app.tagline')}</p>
          </div>
          <ModelStatus />
          <SessionMenu />
          <label className="lang">
            {t('app.language')} <LanguageSelect />
          </label>
        </div>
        <Disclaimer />
        {model.status === 'error' && (
          <div className="banner error-text" role="alert" data-testid="model-error" data-kind={model.error?.kind}>
            {t(`modelError.${model.error?.kind ?? 'corrupt'}`)} {model.error?.message}
          </div>
        )}
        <StorageFullNotice />
      </header>
      {/* role="tablist" on the nav itself would take away its landmark role. */}
      <nav aria-label={t('tabs.label')}>
        <div role="tablist" aria-label={t('tabs.label')} className="tabs">
          {TABS.map((k, i) => (
            <button
              key={k}
              id={`tab-${k}`}
              role="tab"
              type="button"
              aria-selected={tab === k}
              aria-controls={`panel-${k}`}
              tabIndex={tab === k ? 0 : -1}
              onClick={() => setTab(k)}
              onKeyDown={(e) => onTabKey(e, i)}
            >
              {t(`tabs.${k}`)}
            </button>
          ))}
        </div>
      </nav>
      <main>
        <div id="panel-frames" role="tabpanel" aria-labelledby="tab-frames" hidden={tab !== 'frames'}>
          <DropZone onFiles={onFiles} />
          <ProgressPanel onCancel={cancelClassification} onResume={onResume} />
          <VideoList {...videoActions} />
          <ResultsView renderChart={renderChart} renderDetail={renderDetail} />
        </div>
        <div id="panel-modelCard" role="tabpanel" aria-labelledby="tab-modelCard" hidden={tab !== 'modelCard'}>
          {model.metadata ? <ModelCard metadata={model.metadata} /> : <p>{t('model.loading')}</p>}
          <LoadModelPanel onLoadFiles={loadCustomModelFiles} onUseEmbedded={onUseEmbedded} />
        </div>
        <div id="panel-live" role="tabpanel" aria-labelledby="tab-live" hidden={tab !== 'live'}>
          {/* Mounted only while its tab is open: leaving the tab unmounts it, which releases the camera. */}
          {tab === 'live' && (
            <LiveView
              metadata={model.metadata}
              modelReady={model.status === 'ready'}
              scorePixels={scorePixels}
              onSaveFrame={onSaveLiveFrame}
            />
          )}
        </div>
        <div id="panel-teach" role="tabpanel" aria-labelledby="tab-teach" hidden={tab !== 'teach'}>
          <TeachView {...teachActions} />
        </div>
        <div id="panel-settings" role="tabpanel" aria-labelledby="tab-settings" hidden={tab !== 'settings'}>
          <SettingsPanel onBackendChange={onBackendChange} onClearSession={onClearSession} />
          <VideoSettings />
        </div>
      </main>
      <UpdatePrompt />
    </>
  );
}

function Disclaimer() {
  const { t } = useTranslation();
  return (
    <p className="disclaimer" data-testid="disclaimer">
      <span aria-hidden="true">ⓘ </span>
      {t('app.disclaimer')}
    </p>
  );
}
