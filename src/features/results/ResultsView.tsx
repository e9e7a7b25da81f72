import { useCallback, useLayoutEffect, useMemo, useRef, useState, type ReactNode } from 'react';
import { useTranslation } from 'react-i18next';
import { countsPerClass, lowConfidenceThreshold, predictedClassName, visibleFrameIds } from '../../store/selectors.ts';
import { useAppStore } from '../../store/store.ts';
import type { ReviewFilter, SortKey } from '../../store/types.ts';
import { computeAgreement } from '../../domain/agreement.ts';
import { AgreementTable } from '../../components/AgreementTable.tsx';
import { FrameCard, type ChartRequest } from './FrameCard.tsx';
import { useThresholds } from '../../store/useThresholds.ts';

const NO_CLASSES: never[] = [];
const REVIEW_FILTERS: ReviewFilter[] = ['all', 'reviewed', 'unreviewed'];
const REVIEW_FILTER_LABEL: Record<ReviewFilter, string> = {
  all: 'workflow.reviewAll',
  reviewed: 'workflow.reviewReviewed',
  unreviewed: 'workflow.reviewUnreviewed',
};

const SORTS: SortKey[] = ['added', 'name', 'class', 'confidence-desc', 'confidence-asc'];

/** What the results view asks its host to draw for one frame's detail (the review view). */
export interface DetailRequest {
  /** The frames to walk through, as listed when the detail opened. */
  ids: readonly string[];
  frameId: string;
  onSelect: (id: string) => void;
  onClose: () => void;
}

/** Counts per class, sort and filter controls, and the frame cards; a card opens `renderDetail`. */
export function ResultsView({
  renderChart,
  renderDetail,
}: {
  renderChart: (req: ChartRequest) => ReactNode;
  renderDetail: (req: DetailRequest) => ReactNode;
}) {
  const { t, i18n } = useTranslation();
  const lang = i18n.language === 'es' ? 'es' : 'en';
  const frames = useAppStore((s) => s.frames);
  const order = useAppStore((s) => s.order);
  const infos = useAppStore((s) => s.modelInfos);
  const view = useAppStore((s) => s.view);
  const updateView = useAppStore((s) => s.updateView);
  const model = useAppStore((s) => s.model);
  const threshold = useAppStore(lowConfidenceThreshold);
  const thresholds = useThresholds();
  // The detail view walks the list as it was when opened: reviewing a frame under the
  // "not reviewed" filter must not pull it from under the clinician.
  const [detail, setDetail] = useState<{ id: string; ids: string[] } | null>(null);
  const classes = model.metadata?.classes ?? NO_CLASSES;
  const ids = useMemo(() => visibleFrameIds(order, frames, infos, view, threshold), [order, frames, infos, view, threshold]);
  const counts = useMemo(
    () =>
      countsPerClass(
        frames,
        infos,
        classes.map((c) => c.name),
        threshold,
      ),
    [frames, infos, classes, threshold],
  );
  const classified = order.filter((id) => frames[id]?.status === 'done').length;
  const failed = order.filter((id) => frames[id]?.status === 'error').length;
  const displayOf = (name: string) => classes.find((c) => c.name === name)?.display[lang] ?? name;
  const agreement = useMemo(() => {
    const rows = order.flatMap((id) => {
      const f = frames[id];
      const predictedClass = f && f.status === 'done' ? predictedClassName(f, infos) : undefined;
      return predictedClass ? [{ predictedClass, review: f.review }] : [];
    });
    return computeAgreement(
      rows,
      classes.map((c) => c.name),
    );
  }, [order, frames, infos, classes]);
  // One onOpen for the life of the view: the list changes with every batch of results, and a new
  // callback would re-render every memoised card with it (200 cards x 25 batches in a 200-frame drop).
  const idsNow = useRef(ids);
  useLayoutEffect(() => {
    idsNow.current = ids;
  }, [ids]);
  const onOpen = useCallback((id: string) => setDetail({ id, ids: idsNow.current }), []);

  if (detail && frames[detail.id]) {
    return renderDetail({
      ids: detail.ids,
      frameId: detail.id,
      onSelect: (id) => setDetail({ ...detail, id }),
      onClose: () => {
        const id = detail.id;
        setDetail(null);
        requestAnimationFrame(() => document.querySelector<HTMLElement>(`[data-frame-id="${id}"] [data-testid="open-review"]`)?.focus());
      },
    });
  }

  return (
    <section className="results" aria-labelledby="results-title">
      <h2 id="results-title">{t('results.title')}</h2>
      {order.length === 0 ? (
        <p>{t('results.empty')}</p>
      ) : (
        <>
          <div className="summary" data-testid="class-counts">
            <h3>{t('results.counts')}</h3>
            <ul>
              {counts.map((c) => (
                <li key={c.name} data-class={c.name} data-count={c.count}>
                  <strong>{displayOf(c.name)}</strong>: {t('results.countLine', { count: c.count })}
                  {c.low > 0 && (
                    <>
                      {' '}
                      ({t('results.lowCountLine', { count: c.low })}
                      {c.unfamiliar > 0 && (
                        <>
                          ,{' '}
                          <span data-testid="unfamiliar-count" data-count={c.unfamiliar}>
                            {t('results.unfamiliarCountLine', { count: c.unfamiliar })}
                          </span>
                        </>
                      )}
                      )
                    </>
                  )}
                </li>
              ))}
            </ul>
            <p className="muted">
              {t('results.classified', { count: classified })} · {t('results.failed', { count: failed })}
            </p>
          </div>
          <AgreementTable summary={agreement} labelOf={displayOf} />
          <div className="filters" role="group" aria-label={t('results.sortFilter')}>
            <div className="filter">
              <label htmlFor="sort">{t('results.sort')}</label>
              <select id="sort" value={view.sort} onChange={(e) => updateView({ sort: e.target.value as SortKey })}>
                {SORTS.map((s) => (
                  <option key={s} value={s}>
                    {t(`results.sort_${s}`)}
                  </option>
                ))}
              </select>
            </div>
            <div className="filter">
              <label htmlFor="class-filter">{t('results.classFilter')}</label>
              <select id="class-filter" value={view.classFilter} onChange={(e) => updateView({ classFilter: e.target.value })}>
                <option value="all">{t('results.allClasses')}</option>
                {counts.map((c) => (
                  <option key={c.name} value={c.name}>
                    {displayOf(c.name)}
                  </option>
                ))}
              </select>
            </div>
            <div className="filter">
              <label htmlFor="min-confidence">{t('results.minConfidence')}</label>
              <input
                id="min-confidence"
                type="number"
                min={0}
                max={100}
                step={1}
                value={Math.round(view.minConfidence * 100)}
                onChange={(e) => updateView({ minConfidence: Math.min(1, Math.max(0, Number(e.target.value) / 100)) })}
              />
            </div>
            <div className="filter">
              <label htmlFor="max-confidence">{t('results.maxConfidence')}</label>
              <input
                id="max-confidence"
                type="number"
                min={0}
                max={100}
                step={1}
                value={Math.round(view.maxConfidence * 100)}
                onChange={(e) => updateView({ maxConfidence: Math.min(1, Math.max(0, Number(e.target.value) / 100)) })}
              />
            </div>
            <div className="filter">
              <label htmlFor="review-filter">{t('workflow.reviewFilter')}</label>
              <select
                id="review-filter"
                value={view.reviewFilter ?? 'all'}
                onChange={(e) => updateView({ reviewFilter: e.target.value as ReviewFilter })}
              >
                {REVIEW_FILTERS.map((f) => (
                  <option key={f} value={f}>
                    {t(REVIEW_FILTER_LABEL[f])}
                  </option>
                ))}
              </select>
            </div>
            <div className="filter checkbox">
              <input
                id="only-low"
                type="checkbox"
                checked={view.onlyLowConfidence}
                onChange={(e) => updateView({ onlyLowConfidence: e.target.checked })}
              />
              <label htmlFor="only-low">{t('results.onlyLow')}</label>
            </div>
          </div>
          <p className="muted" aria-live="polite">
            {t('results.showing', { shown: ids.length, total: order.length })}
          </p>
          {ids.length === 0 && <p>{t('results.noMatch')}</p>}
          <div className="grid" data-testid="frame-grid">
            {ids.map((id) => (
              <FrameCard
                key={id}
                id={id}
                thresholds={thresholds}
                activeModelKey={model.modelKey}
                renderChart={renderChart}
                onOpen={onOpen}
              />
            ))}
          </div>
        </>
      )}
    </section>
  );
}
