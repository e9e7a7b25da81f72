/**
 * The session as a printable report: thumbnails, heatmaps, summary counts, agreement and the model
 * card. `PrintView` mounts it over the app (in a portal on <body>) with Print and Close buttons; the
 * print stylesheet then prints the report alone, so the browser's "Save as PDF" gives a clean file.
 */
import { useEffect, useRef } from 'react';
import { createPortal } from 'react-dom';
import { useTranslation } from 'react-i18next';
import { displayNameFor } from '../../core/classes.ts';
import type { ModelMetadata } from '../../core/metadata.ts';
import { AgreementTable } from '../../components/AgreementTable.tsx';
import { confidenceLevel } from '../../domain/confidence.ts';
import { ConfidenceMarker } from '../../components/ConfidenceMarker.tsx';
import { CONFIDENCE_LEVELS } from '../../domain/confidence.ts';
import './report.css';
import { summarizeSession } from './summary.ts';
import type { ConfidenceThresholds, FrameResult, SessionModelInfo } from './types.ts';
import type { SegmentParams } from '../../domain/video-segments.ts';
import type { VideoResult } from './video-results.ts';
import { VideoReportSection } from './VideoReportSection.tsx';

export interface PrintableReportProps {
  frames: readonly FrameResult[];
  model: SessionModelInfo;
  /** The full model card, when the loaded model's metadata is at hand. */
  metadata?: ModelMetadata;
  thresholds: ConfidenceThresholds;
  /** Frame id -> image URL (data URL) of the frame with its heatmap drawn in (see features/gradcam/render.ts). */
  heatmaps?: Readonly<Record<string, string>>;
  generatedAt?: Date;
  /** Class name -> display name; defaults to the known finding names in the current language. */
  labelOf?: (className: string) => string;
  /** The session's videos and the segment settings their findings are read with: a "Videos" section. */
  videos?: readonly VideoResult[];
  segmentParams?: SegmentParams;
}

export function PrintableReport(props: PrintableReportProps) {
  const { t, i18n } = useTranslation();
  const lang = i18n.language?.startsWith('es') ? 'es' : 'en';
  const labelOf = props.labelOf ?? ((name: string) => displayNameFor(name)[lang]);
  const { frames, model, metadata, thresholds } = props;
  const summary = summarizeSession(frames, model.classes, thresholds);
  const date = new Intl.DateTimeFormat(i18n.language, { dateStyle: 'long', timeStyle: 'short' });
  const pct = new Intl.NumberFormat(i18n.language, { style: 'percent', maximumFractionDigits: 1 });
  const generatedAt = props.generatedAt ?? new Date();
  const test = metadata?.metrics?.test;

  return (
    <article className="endolens-report" data-testid="print-report" lang={lang}>
      <header>
        <h1>{t('report.title')}</h1>
        <p>{t('report.generated', { date: date.format(generatedAt) })}</p>
        <dl>
          <dt>{t('report.model')}</dt>
          <dd>
            {model.name} {model.version}
          </dd>
          <dt>{t('report.backend')}</dt>
          <dd>{summary.backends.join(', ') || '—'}</dd>
          <dt>{t('report.frames')}</dt>
          <dd>{summary.total}</dd>
          <dt>{t('report.reviewed')}</dt>
          <dd>
            {summary.reviewed} / {summary.total}
          </dd>
        </dl>
        <p className="endolens-report__disclaimer">{t('report.disclaimer')}</p>
      </header>

      <section aria-labelledby="report-summary">
        <h2 id="report-summary">{t('report.summary')}</h2>
        <h3>{t('report.countsTitle')}</h3>
        <table data-testid="report-counts">
          <thead>
            <tr>
              <th scope="col">{t('report.class')}</th>
              <th scope="col">{t('report.byModel')}</th>
              <th scope="col">{t('report.byClinician')}</th>
            </tr>
          </thead>
          <tbody>
            {summary.perClass.map((c) => (
              <tr key={c.className} data-class={c.className}>
                <th scope="row">{labelOf(c.className)}</th>
                <td>{c.byModel}</td>
                <td>{c.byClinician}</td>
              </tr>
            ))}
          </tbody>
        </table>
        <h3>{t('report.levelsTitle')}</h3>
        <ul>
          {CONFIDENCE_LEVELS.map((level) => (
            <li key={level}>
              <ConfidenceMarker level={level} thresholds={thresholds} />: {summary.perLevel[level]}
            </li>
          ))}
        </ul>
        <AgreementTable summary={summary.agreement} labelOf={labelOf} />
      </section>

      <section aria-labelledby="report-model">
        <h2 id="report-model">{t('report.modelCard')}</h2>
        <dl>
          <dt>{t('report.model')}</dt>
          <dd>{metadata?.name ?? model.name}</dd>
          <dt>{t('report.version')}</dt>
          <dd>{metadata?.version ?? model.version}</dd>
          {metadata && (
            <>
              <dt>{t('report.created')}</dt>
              <dd>{metadata.createdAt}</dd>
              <dt>{t('report.backbone')}</dt>
              <dd>
                {metadata.backbone.name}
                {metadata.backbone.alpha !== undefined ? ` (alpha ${metadata.backbone.alpha})` : ''}
              </dd>
              <dt>{t('report.input')}</dt>
              <dd>{t('report.inputValue', { size: metadata.input.size, low: metadata.input.range[0], high: metadata.input.range[1] })}</dd>
              <dt>{t('report.dataset')}</dt>
              <dd>
                {metadata.dataset.name}: {metadata.dataset.description}
              </dd>
              {test && (
                <>
                  <dt>{t('report.testAccuracy')}</dt>
                  <dd>
                    {pct.format(test.accuracy)} (n = {test.count})
                  </dd>
                  <dt>{t('report.macroF1')}</dt>
                  <dd>{test.macro.f1.toFixed(3)}</dd>
                </>
              )}
              <dt>{t('report.intendedUse')}</dt>
              <dd>{metadata.intendedUse}</dd>
            </>
          )}
          <dt>{t('report.classes')}</dt>
          <dd>{model.classes.map(labelOf).join(', ')}</dd>
        </dl>
      </section>

      {props.videos && props.videos.length > 0 && props.segmentParams && (
        <VideoReportSection videos={props.videos} params={props.segmentParams} labelOf={labelOf} />
      )}

      <section aria-labelledby="report-frames" className="endolens-report__frames">
        <h2 id="report-frames">{t('report.framesTitle')}</h2>
        <table>
          <thead>
            <tr>
              <th scope="col">{t('report.thumbnail')}</th>
              <th scope="col">{t('report.heatmap')}</th>
              <th scope="col">{t('report.fileName')}</th>
              <th scope="col">{t('report.predicted')}</th>
              <th scope="col">{t('report.confidence')}</th>
              <th scope="col">{t('report.clinician')}</th>
              <th scope="col">{t('report.note')}</th>
            </tr>
          </thead>
          <tbody>
            {frames.map((f) => (
              <tr key={f.id} data-testid="report-frame" data-file-name={f.fileName}>
                <td>{f.thumbnail ? <img src={f.thumbnail} alt={f.fileName} /> : t('report.noImage')}</td>
                <td>{props.heatmaps?.[f.id] ? <img src={props.heatmaps[f.id]} alt={`${t('report.heatmap')}: ${f.fileName}`} /> : '—'}</td>
                <td>{f.fileName}</td>
                <td>{labelOf(f.predictedClass)}</td>
                <td>
                  {pct.format(f.confidence)} <ConfidenceMarker level={confidenceLevel(f.confidence, thresholds, f.unfamiliar)} />
                </td>
                <td>{f.review?.reviewedClass ? labelOf(f.review.reviewedClass) : t('report.notReviewed')}</td>
                <td style={{ whiteSpace: 'pre-wrap' }}>{f.review?.note ?? ''}</td>
              </tr>
            ))}
          </tbody>
        </table>
      </section>
    </article>
  );
}

export interface PrintViewProps extends PrintableReportProps {
  onClose: () => void;
  /** Open the print dialog as soon as the report is shown. */
  autoPrint?: boolean;
}

/** The report over the whole page, with Print / Close; Escape closes it. */
export function PrintView({ onClose, autoPrint = false, ...report }: PrintViewProps) {
  const { t } = useTranslation();
  const rootRef = useRef<HTMLDivElement>(null);
  // A modal over the whole page: the page behind it is made inert, so Tab and screen readers stay in the
  // report (aria-modal alone stops neither).
  useEffect(() => {
    const opener = document.activeElement instanceof HTMLElement ? document.activeElement : null;
    const behind = Array.from(document.body.children).filter((el) => el !== rootRef.current && !el.hasAttribute('inert'));
    behind.forEach((el) => el.setAttribute('inert', ''));
    rootRef.current?.querySelector('button')?.focus();
    return () => {
      behind.forEach((el) => el.removeAttribute('inert'));
      opener?.focus();
    };
  }, []);
  useEffect(() => {
    const onKey = (e: KeyboardEvent) => {
      if (e.key === 'Escape') onClose();
    };
    window.addEventListener('keydown', onKey);
    // Give images a frame to lay out before the print dialog snapshots the page.
    const timer = autoPrint ? setTimeout(() => window.print(), 300) : undefined;
    return () => {
      window.removeEventListener('keydown', onKey);
      if (timer) clearTimeout(timer);
    };
  }, [onClose, autoPrint]);

  return createPortal(
    <div className="endolens-print-root" role="dialog" aria-modal="true" aria-label={t('report.title')} ref={rootRef}>
      <div className="endolens-report__toolbar no-print endolens-report">
        <button type="button" onClick={() => window.print()}>
          {t('report.print')}
        </button>
        <button type="button" onClick={onClose}>
          {t('report.close')}
        </button>
      </div>
      <PrintableReport {...report} />
    </div>,
    document.body,
  );
}
