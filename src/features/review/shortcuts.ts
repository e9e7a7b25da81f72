/**
 * Review keyboard shortcuts as data: the help overlay lists them and `resolveShortcut` maps a key
 * press to an action, so both can never disagree.
 */

export type ReviewAction =
  | { type: 'next' }
  | { type: 'previous' }
  | { type: 'nextUncertain' }
  | { type: 'previousUncertain' }
  | { type: 'assign'; classIndex: number }
  | { type: 'confirm' }
  | { type: 'clear' }
  | { type: 'note' }
  | { type: 'help' }
  | { type: 'close' };

export interface ShortcutSpec {
  /** KeyboardEvent.key values (several keys may do the same thing). */
  keys: string[];
  /** i18n key of the description, under `review.shortcuts.`. */
  descriptionKey: string;
  action: ReviewAction['type'];
}

export const REVIEW_SHORTCUTS: readonly ShortcutSpec[] = [
  { keys: ['j', 'ArrowDown', 'ArrowRight'], descriptionKey: 'review.shortcuts.next', action: 'next' },
  { keys: ['k', 'ArrowUp', 'ArrowLeft'], descriptionKey: 'review.shortcuts.previous', action: 'previous' },
  { keys: ['u'], descriptionKey: 'review.shortcuts.nextUncertain', action: 'nextUncertain' },
  { keys: ['U'], descriptionKey: 'review.shortcuts.previousUncertain', action: 'previousUncertain' },
  { keys: ['1', '2', '…', '9'], descriptionKey: 'review.shortcuts.assign', action: 'assign' },
  { keys: ['Enter', 'c'], descriptionKey: 'review.shortcuts.confirm', action: 'confirm' },
  { keys: ['x'], descriptionKey: 'review.shortcuts.clear', action: 'clear' },
  { keys: ['n'], descriptionKey: 'review.shortcuts.note', action: 'note' },
  { keys: ['?'], descriptionKey: 'review.shortcuts.help', action: 'help' },
  { keys: ['Escape'], descriptionKey: 'review.shortcuts.close', action: 'close' },
];

export interface KeyLike {
  key: string;
  ctrlKey?: boolean;
  metaKey?: boolean;
  altKey?: boolean;
  target?: EventTarget | null;
}

/** True while the user is typing somewhere: letters then belong to the text, not to shortcuts. */
export function isTypingTarget(target: EventTarget | null | undefined): boolean {
  if (!target || typeof (target as Partial<HTMLElement>).tagName !== 'string') return false;
  const el = target as HTMLElement;
  if (el.isContentEditable) return true;
  const tag = el.tagName.toLowerCase();
  if (tag === 'textarea' || tag === 'select') return true;
  if (tag !== 'input') return false;
  const type = ((el as HTMLInputElement).type || 'text').toLowerCase();
  // Buttons-like inputs take no text; everything else (text, number, range...) uses the keys itself.
  return !['checkbox', 'radio', 'button', 'submit', 'reset', 'file', 'color', 'image'].includes(type);
}

/** The action for a key press, or null when the key is not a review shortcut here. */
export function resolveShortcut(e: KeyLike, classCount: number): ReviewAction | null {
  if (e.ctrlKey || e.metaKey || e.altKey) return null; // leave browser and OS shortcuts alone
  if (isTypingTarget(e.target)) return e.key === 'Escape' ? { type: 'close' } : null;
  // Enter on a focused button or link must press it, not confirm the frame.
  if (e.key === 'Enter' && e.target && /^(button|a|summary)$/i.test((e.target as Partial<HTMLElement>).tagName ?? '')) return null;
  if (/^[1-9]$/.test(e.key)) {
    const classIndex = Number(e.key) - 1;
    return classIndex < classCount ? { type: 'assign', classIndex } : null;
  }
  const spec = REVIEW_SHORTCUTS.find((s) => s.action !== 'assign' && s.keys.includes(e.key));
  return spec ? ({ type: spec.action } as ReviewAction) : null;
}
