/**
 * The header's "Export & import" menu: session-export's SessionTools fed from the store, the import
 * confirmation (imports merge into the session, see session-io.ts), the re-attach step for frames
 * imported without images, and the printable report.
 */
import { useEffect, useMemo, useRef, useState } from 'react';
import { useTranslation } from 'react-i18next';
import { ConfirmDialog } from '../components/ConfirmDialog.tsx';
import { PrintView } from '../features/session-export/PrintableReport.tsx';
import { SessionTools, type ImportedSession } from '../features/session-export/SessionTools.tsx';
import type { FrameResult } from '../features/session-export/types.ts';
import type { VideoResult } from '../features/session-export/video-results.ts';
import { useAppStore } from '../store/store.ts';
import { useThresholds } from '../store/useThresholds.ts';
import { importSession, originalOf, reattachImages, reportPictures } from './session-io.ts';
import { sessionModelInfo, sessionModelKey, toFrameResults } from './session-records.ts';
import { toVideoResults } from './video-records.ts';
import { videoSettings } from '../store/video-settings.ts';

/** The session's videos as the exports see them, read from the store now. */
function currentVideos(): VideoResult[] {
  const s = useAppStore.getState();
  return toVideoResults(s.videoOrder, s.videos, s.videoPoints, s.modelInfos);
}

const APP = { name: 'EndoLens', version: import.meta.env.VITE_APP_VERSION as string | undefined };

export function SessionMenu() {
  const { t, i18n } = useTranslation();
  const lang = i18n.language === 'es' ? 'es' : 'en';
  const frames = useAppStore((s) => s.frames);
  const order = useAppStore((s) => s.order);
  const infos = useAppStore((s) => s.modelInfos);
  const model = useAppStore((s) => s.model);
  const thresholds = useThresholds();
  // Videos with something to export; their timelines are read only when an export or the report asks.
  const videoCount = useAppStore((s) => s.videoOrder.filter((id) => s.videos[id]?.modelKey).length);
  const settings = useAppStore((s) => s.settings);
  // Derived outside the selector: videoSettings makes a fresh object when the defaults are in force.
  const segmentParams = useMemo(() => videoSettings(settings).segments, [settings]);
  const key = sessionModelKey(order, frames, model.modelKey);
  const info = key ? infos[key] : undefined;
  const sessionModel = useMemo(() => (info ? sessionModelInfo(info) : { name: '', version: '', classes: [] }), [info]);
  const results = useMemo(
    () => (info ? toFrameResults(order, frames, infos, sessionModel) : []),
    [order, frames, infos, sessionModel, info],
  );
  const classified = order.filter((id) => frames[id]?.status === 'done').length;
  const missing = useMemo(() => results.filter((f) => frames[f.id]?.imageMissing && f.sha256), [results, frames]);
  const [pending, setPending] = useState<ImportedSession | null>(null);
  const answer = useRef<((ok: boolean) => void) | null>(null);
  const [report, setReport] = useState<{ frames: FrameResult[]; heatmaps: Record<string, string>; videos: VideoResult[] } | null>(null);
  const [preparing, setPreparing] = useState(false);
  const menuRef = useRef<HTMLDetailsElement>(null);
  // A popover: a click elsewhere or Escape closes it (dialogs it opened do not count as elsewhere).
  useEffect(() => {
    const close = (e: Event) => {
      const menu = menuRef.current;
      if (!menu?.open) return;
      if (e instanceof KeyboardEvent) {
        if (e.key === 'Escape' && !document.querySelector('dialog[open], [role="dialog"]')) menu.open = false;
        return;
      }
      const target = e.target as Element | null;
      if (target && !menu.contains(target) && !target.closest('dialog, [role="dialog"]')) menu.open = false;
    };
    document.addEventListener('pointerdown', close);
    document.addEventListener('keydown', close);
    return () => {
      document.removeEventListener('pointerdown', close);
      document.removeEventListener('keydown', close);
    };
  }, []);

  const onImport = async (session: ImportedSession) => {
    setPending(session);
    const ok = await new Promise<boolean>((resolve) => {
      answer.current = resolve;
    });
    setPending(null);
    if (!ok) throw new Error(t('workflow.importCancelled'));
    await importSession(session);
  };
  const decide = (ok: boolean) => {
    answer.current?.(ok);
    answer.current = null;
  };
  const openReport = async () => {
    setPreparing(true);
    try {
      const activeClasses = model.metadata?.classes.map((c) => c.name) ?? [];
      const pictures = await reportPictures(results, (f) => activeClasses.indexOf(f.predictedClass));
      setReport({ ...pictures, videos: currentVideos() });
    } finally {
      setPreparing(false);
    }
  };

  return (
    <>
      <details className="session-menu" data-testid="session-menu" ref={menuRef}>
        <summary>{t('workflow.sessionMenu')}</summary>
        <SessionTools
          frames={results}
          model={sessionModel}
          thresholds={thresholds}
          getOriginal={originalOf}
          onImport={onImport}
          framesMissingImages={missing}
          onReattach={reattachImages}
          onOpenReport={() => void openReport()}
          app={APP}
          videoCount={videoCount}
          getVideos={currentVideos}
          segmentParams={segmentParams}
        />
        {classified > results.length && <p className="muted">{t('workflow.excluded', { count: classified - results.length })}</p>}
        {preparing && <p role="status">{t('workflow.preparingReport')}</p>}
      </details>
      <ConfirmDialog
        open={pending !== null}
        title={t('workflow.importTitle')}
        confirmLabel={t('workflow.importConfirm')}
        cancelLabel={t('workflow.importCancel')}
        onCancel={() => decide(false)}
        onConfirm={() => decide(true)}
      >
        {pending && (
          <p>
            {t('workflow.importBody', {
              count: pending.frames.length,
              file: pending.file.exportedAt,
              model: `${pending.file.model.name} ${pending.file.model.version}`,
            })}
          </p>
        )}
        {pending && pending.videos.length > 0 && (
          <p data-testid="import-videos">{t('workflow.importVideos', { count: pending.videos.length })}</p>
        )}
      </ConfirmDialog>
      {report && (
        <PrintView
          frames={report.frames}
          heatmaps={report.heatmaps}
          model={sessionModel}
          metadata={model.metadata && info?.modelKey === model.modelKey ? model.metadata : undefined}
          thresholds={thresholds}
          labelOf={(name) => info?.classes.find((c) => c.name === name)?.display[lang] ?? name}
          videos={report.videos}
          segmentParams={segmentParams}
          onClose={() => setReport(null)}
        />
      )}
    </>
  );
}
