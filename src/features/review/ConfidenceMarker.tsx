/**
 * Confidence level shown three ways: a word, a distinct shape (circle / triangle / square with a
 * bar / diamond with a question mark) and a colour, so it reads without colour vision and when
 * printed in grey.
 */
import { useTranslation } from 'react-i18next';
import type { ConfidenceLevel, ConfidenceThresholds } from './types.ts';

const COLORS: Record<ConfidenceLevel, string> = { confident: '#1a7f37', uncertain: '#9a6700', low: '#cf222e', unfamiliar: '#8250df' };

export const SHAPES: Record<ConfidenceLevel, string> = { confident: 'circle', uncertain: 'triangle', low: 'square', unfamiliar: 'diamond' };

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
        <g>
          <path d="M8 0.5 L15.5 8 L8 15.5 L0.5 8 Z" fill={color} />
          <text x="8" y="11.6" textAnchor="middle" fontSize="10" fontWeight="700" fontFamily="sans-serif" fill="#fff">?</text>
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
  const title = thresholds || level === 'unfamiliar' ? t(`review.levelDescription.${level}`, { low: thresholds?.low, confident: thresholds?.confident }) : undefined;
  return (
    <span
      className={`confidence-marker confidence-marker--${level}`}
      data-testid="confidence-marker"
      data-level={level}
      title={title}
      style={{ display: 'inline-flex', alignItems: 'center', gap: '0.3em', color: COLORS[level], fontWeight: 600 }}
    >
      <Shape level={level} />
      {compact ? <span className="visually-hidden" style={{ position: 'absolute', width: 1, height: 1, overflow: 'hidden', clip: 'rect(0 0 0 0)' }}>{label}</span> : <span>{label}</span>}
    </span>
  );
}
