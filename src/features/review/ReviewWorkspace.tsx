/**
 * Everything the review needs around one frame, ready to mount: the review panel for the current
 * frame, previous / next / next-uncertain buttons, the keyboard shortcuts and their help overlay.
 * State stays with the caller (the app's store): it passes the frames, the reviews and the current
 * index, and gets every change back through callbacks.
 */
import { useLayoutEffect, useRef, useState, type ReactNode } from 'react';
import { useTranslation } from 'react-i18next';
import { confidenceLevel } from '../../domain/confidence.ts';
import { HelpOverlay } from './HelpOverlay.tsx';
import { nextUncertain, stepIndex } from './navigation.ts';
import { ReviewPanel, type ReviewClassOption } from './ReviewPanel.tsx';
import { assignClass, clearClass, setNote } from './review-state.ts';
import type { ReviewAction } from './shortcuts.ts';
import type { ConfidenceThresholds, ReviewableFrame, ReviewMap } from '../../domain/review.ts';
import { useReviewShortcuts } from './useReviewShortcuts.ts';

export interface ReviewWorkspaceFrame extends ReviewableFrame {
  fileName: string;
}

export interface ReviewWorkspaceProps {
  frames: readonly ReviewWorkspaceFrame[];
  classes: readonly ReviewClassOption[];
  thresholds: ConfidenceThresholds;
  reviews: ReviewMap;
  onReviewsChange: (next: ReviewMap) => void;
  currentIndex: number;
  onCurrentIndexChange: (index: number) => void;
  /** The frame itself (image, heatmap, chart), drawn above the panel. */
  renderFrame?: (frame: ReviewWorkspaceFrame) => ReactNode;
  /** Turn the shortcuts off, e.g. while another dialog is open. */
  shortcutsEnabled?: boolean;
  /** For tests: the clock. */
  now?: () => Date;
}

export function ReviewWorkspace(props: ReviewWorkspaceProps) {
  const { t } = useTranslation();
  const { frames, reviews, currentIndex, thresholds } = props;
  const [helpOpen, setHelpOpen] = useState(false);
  const [notice, setNotice] = useState('');
  const noteRef = useRef<HTMLTextAreaElement>(null);
  const now = props.now ?? (() => new Date());
  const frame = frames[currentIndex] as ReviewWorkspaceFrame | undefined;
  // The panel reads reviews from props; the latest map is kept so quick successive edits compose.
  const latestReviews = useRef(reviews);
  useLayoutEffect(() => {
    latestReviews.current = reviews;
  }, [reviews]);
  const update = (next: ReviewMap) => {
    latestReviews.current = next;
    props.onReviewsChange(next);
  };

  const go = (index: number) => {
    if (index >= 0 && index !== currentIndex) props.onCurrentIndexChange(index);
  };
  const goUncertain = (direction: 1 | -1) => {
    const framesWithReviews = frames.map((f) => ({ ...f, review: latestReviews.current[f.id] }));
    const i = nextUncertain(framesWithReviews, currentIndex, thresholds, { direction });
    setNotice(i < 0 ? t('review.noUncertain') : '');
    go(i);
  };

  const onAction = (action: ReviewAction) => {
    if (helpOpen && action.type !== 'help' && action.type !== 'close') return;
    switch (action.type) {
      case 'next':
        return go(stepIndex(frames.length, currentIndex, 1));
      case 'previous':
        return go(stepIndex(frames.length, currentIndex, -1));
      case 'nextUncertain':
        return goUncertain(1);
      case 'previousUncertain':
        return goUncertain(-1);
      case 'assign': {
        const c = props.classes[action.classIndex];
        if (frame && c) update(assignClass(latestReviews.current, frame.id, c.name, now()));
        return;
      }
      case 'confirm':
        if (frame) update(assignClass(latestReviews.current, frame.id, frame.predictedClass, now()));
        return;
      case 'clear':
        if (frame) update(clearClass(latestReviews.current, frame.id, now()));
        return;
      case 'note':
        noteRef.current?.focus();
        return;
      case 'help':
        setHelpOpen((open) => !open);
        return;
      case 'close':
        setHelpOpen(false);
        return;
    }
  };
  useReviewShortcuts({ classCount: Math.min(9, props.classes.length), onAction, enabled: props.shortcutsEnabled ?? true });

  return (
    <div className="review-workspace" data-testid="review-workspace">
      <nav className="review-workspace__nav" aria-label={t('review.title')}>
        <button type="button" aria-keyshortcuts="k" onClick={() => onAction({ type: 'previous' })} disabled={currentIndex <= 0}>
          {t('review.previous')}
        </button>
        <span aria-live="polite">{frames.length ? `${currentIndex + 1} / ${frames.length}` : '0 / 0'}</span>
        <button type="button" aria-keyshortcuts="j" onClick={() => onAction({ type: 'next' })} disabled={currentIndex >= frames.length - 1}>
          {t('review.next')}
        </button>
        <button type="button" aria-keyshortcuts="u" onClick={() => onAction({ type: 'nextUncertain' })}>
          {t('review.nextUncertain')}
        </button>
        <button type="button" aria-keyshortcuts="?" aria-haspopup="dialog" onClick={() => setHelpOpen(true)}>
          {t('review.help.open')}
        </button>
      </nav>
      {notice && <p role="status">{notice}</p>}
      {frame && (
        <>
          {props.renderFrame?.(frame)}
          <ReviewPanel
            key={frame.id}
            fileName={frame.fileName}
            predictedClass={frame.predictedClass}
            confidence={frame.confidence}
            level={confidenceLevel(frame.confidence, thresholds, frame.unfamiliar)}
            review={reviews[frame.id]}
            classes={props.classes}
            noteRef={noteRef}
            onAssign={(name) => update(assignClass(latestReviews.current, frame.id, name, now()))}
            onClear={() => update(clearClass(latestReviews.current, frame.id, now()))}
            onNoteChange={(note) => update(setNote(latestReviews.current, frame.id, note, now()))}
          />
        </>
      )}
      <HelpOverlay open={helpOpen} onClose={() => setHelpOpen(false)} classLabels={props.classes.map((c) => c.label)} />
    </div>
  );
}
