import { useEffect, useRef } from 'react';
import { resolveShortcut, type ReviewAction } from './shortcuts.ts';

export interface UseReviewShortcutsOptions {
  /** Number of classes of the loaded model (keys beyond it do nothing). */
  classCount: number;
  /** Called with each recognised action; the key's default (scrolling, etc.) is prevented. */
  onAction: (action: ReviewAction) => void;
  /** Off while e.g. a modal other than the help overlay is open. */
  enabled?: boolean;
  /** Where to listen; the whole window by default. */
  target?: Window | HTMLElement | null;
}

/** Binds the review shortcuts (see REVIEW_SHORTCUTS) for as long as the component is mounted. */
export function useReviewShortcuts({ classCount, onAction, enabled = true, target }: UseReviewShortcutsOptions): void {
  // Latest callback without rebinding the listener on every render.
  const handler = useRef(onAction);
  handler.current = onAction;

  useEffect(() => {
    if (!enabled) return;
    const el: Window | HTMLElement | null = target === undefined ? window : target;
    if (!el) return;
    const listener = (ev: Event) => {
      const e = ev as KeyboardEvent;
      if (e.defaultPrevented || e.isComposing) return;
      const action = resolveShortcut(e, classCount);
      if (!action) return;
      e.preventDefault();
      handler.current(action);
    };
    el.addEventListener('keydown', listener);
    return () => el.removeEventListener('keydown', listener);
  }, [classCount, enabled, target]);
}
