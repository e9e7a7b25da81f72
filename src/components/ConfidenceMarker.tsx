/**
 * Confidence level shown three ways: a word, a distinct shape (circle / triangle / square with a
 * bar / octagon with a question mark) and a colour, so it reads without colour vision and when
 * printed in grey.
 */
import { useTranslation } from 'react-i18next';
import type { ConfidenceLevel, ConfidenceThresholds } from '../domain/review.ts';

const COLORS: Record<ConfidenceLevel, string> = { confident: '#1a7f37', uncertain: '#9a6700', low: '#cf222e', unfamiliar: '#8250df' };

export const SHAPES: Record<ConfidenceLevel, string> = { confident: 'circle', uncertain: 'triangle', low: 'square', unfamiliar: 'octagon' };

function Shape({ level }: { level: ConfidenceLevel }) {
  const color = COLORS[level];
  return (
    <svg width="1em" height="1em" viewBox="0 0 16 16" aria-hidden="true" focusable="false" data-shape={SHAPES[level]}>
      {level === 'confident' && <circle cx="8" cy="8" r="6.5" fill={color} />}
      {level === 'uncertain' && <path d="M8 1.5 L15 14.5 H1 Z" fill="none" stroke={color} strokeWidth="2" strokeLinejoin="round" />}
      {level === 'low' && (
        <g>
          <rect x="1.5" y="1.5" width="13" height="13" fill={color} />
          <rect x="7" y="4" width="2" height="5.5" fill="#fff" />
          <rect x="7" y="11" width="2" height="2" fill="#fff" />
        </g>
      )}
      {level === 'unfamiliar' && (
        // An outlined octagon with a drawn question mark (no text glyph: a filled diamond with "?" reads
        // as the browser's broken-character sign).
        <g fill="none" stroke={color} strokeWidth="1.6" strokeLinecap="round" strokeLinejoin="round">
          <path d="M5 1 H11 L15 5 V11 L11 15 H5 L1 11 V5 Z" />
          <path d="M5.9 6.1 A2.2 2.2 0 1 1 9.3 7.9 C8.5 8.4 8 8.8 8 9.9" />
          <circle cx="8" cy="12" r="0.4" fill={color} />
        </g>
      )}
    </svg>
  );
}

export interface ConfidenceMarkerProps {
  level: ConfidenceLevel;
  /** When given, the thresholds are explained in the tooltip ('unfamiliar' is always explained: it has none). */
  thresholds?: ConfidenceThresholds;
  /** Hide the word (the shape keeps an accessible name); for dense grids. */
  compact?: boolean;
}

export function ConfidenceMarker({ level, thresholds, compact = false }: ConfidenceMarkerProps) {
  const { t } = useTranslation();
  const label = t(`review.level.${level}`);
  const title =
    thresholds || level === 'unfamiliar'
      ? t(`review.levelDescription.${level}`, { low: thresholds?.low, confident: thresholds?.confident })
      : undefined;
  return (
    <span
      className={`confidence-marker confidence-marker--${level}`}
      data-testid="confidence-marker"
      data-level={level}
      title={title}
      style={{ display: 'inline-flex', alignItems: 'center', gap: '0.3em', color: COLORS[level], fontWeight: 600 }}
    >
      <Shape level={level} />
      {compact ? (
        <span className="visually-hidden" style={{ position: 'absolute', width: 1, height: 1, overflow: 'hidden', clip: 'rect(0 0 0 0)' }}>
          {label}
        </span>
      ) : (
        <span>{label}</span>
      )}
    </span>
  );
}
