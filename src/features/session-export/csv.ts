/**
 * The session as CSV (RFC 4180: comma separated, CRLF line ends, fields with a comma, quote or line
 * break in double quotes, quotes doubled). Text cells that a spreadsheet would run as a formula
 * (starting with = + - @, tab or carriage return) get a leading apostrophe (OWASP's CSV injection
 * advice): a file name like `=HYPERLINK(...)` must stay text. Column names are fixed English
 * identifiers so scripts can rely on them; the numbers use a dot as decimal separator.
 * `confidence_level` is `unfamiliar` for a frame the familiarity check flagged (its probabilities mean
 * nothing); `familiarity_distance` is empty when the frame was not checked.
 */
import { confidenceLevel } from '../../domain/confidence.ts';
import type { ConfidenceThresholds, FrameResult, SessionModelInfo } from './types.ts';

export class CsvExportError extends Error {
  override name = 'CsvExportError';
}

export interface CsvOptions {
  model: SessionModelInfo;
  thresholds: ConfidenceThresholds;
  /** Start with a UTF-8 byte-order mark so Excel reads accents (Spanish notes) correctly. Default true. */
  bom?: boolean;
}

const FORMULA_START = /^[=+\-@\t\r]/;

/** A text cell made safe to open in a spreadsheet. */
export function neutralizeFormula(text: string): string {
  return FORMULA_START.test(text) ? `'${text}` : text;
}

/** One RFC 4180 field. */
export function quoteCsvField(text: string): string {
  return /[",\r\n]/.test(text) ? `"${text.replace(/"/g, '""')}"` : text;
}

const textCell = (v: string | undefined) => quoteCsvField(neutralizeFormula(v ?? ''));

/** Probabilities with up to 6 decimals, never in exponent notation (1e-7 -> 0). */
export function formatNumber(v: number): string {
  if (!Number.isFinite(v)) return '';
  const s = v
    .toFixed(6)
    .replace(/(\.\d*?)0+$/, '$1')
    .replace(/\.$/, '');
  return s === '-0' ? '0' : s;
}

export function csvColumns(classes: readonly string[]): string[] {
  return [
    'file_name',
    'predicted_class',
    ...classes.map((c) => `p_${c}`),
    'confidence',
    'confidence_level',
    'familiarity_distance',
    'clinician_class',
    'agrees_with_model',
    'note',
    'reviewed_at',
    'model_name',
    'model_version',
    'backend',
    'classified_at',
  ];
}

export function sessionToCsv(frames: readonly FrameResult[], opts: CsvOptions): string {
  const { classes } = opts.model;
  const header = csvColumns(classes)
    .map((c) => textCell(c))
    .join(',');
  const rows = frames.map((f) => {
    if (f.probabilities.length !== classes.length) {
      throw new CsvExportError(
        `Frame "${f.fileName}" has ${f.probabilities.length} probabilities but the model has ${classes.length} classes (${classes.join(', ')}).`,
      );
    }
    const clinician = f.review?.reviewedClass;
    return [
      textCell(f.fileName),
      textCell(f.predictedClass),
      ...f.probabilities.map(formatNumber),
      formatNumber(f.confidence),
      confidenceLevel(f.confidence, opts.thresholds, f.unfamiliar),
      f.familiarityDistance === undefined ? '' : formatNumber(f.familiarityDistance),
      textCell(clinician),
      clinician ? (clinician === f.predictedClass ? 'yes' : 'no') : '',
      textCell(f.review?.note),
      textCell(f.review?.reviewedAt),
      textCell(opts.model.name),
      textCell(opts.model.version),
      textCell(f.backend),
      textCell(f.classifiedAt),
    ].join(',');
  });
  return `${opts.bom === false ? '' : '\uFEFF'}${[header, ...rows].join('\r\n')}\r\n`;
}

/**
 * RFC 4180 reader (a leading BOM is skipped): for tests, e2e checks and anyone re-reading an export.
 * Throws on an unterminated quoted field, naming the line.
 */
export function parseCsv(text: string): string[][] {
  const s = text.startsWith('\uFEFF') ? text.slice(1) : text;
  const rows: string[][] = [];
  let row: string[] = [];
  let field = '';
  let i = 0;
  let line = 1;
  let quoted = false;
  let quoteLine = 0;
  while (i < s.length) {
    const ch = s[i];
    if (quoted) {
      if (ch === '"') {
        if (s[i + 1] === '"') {
          field += '"';
          i += 2;
          continue;
        }
        quoted = false;
      } else {
        if (ch === '\n') line++;
        field += ch;
      }
      i++;
      continue;
    }
    if (ch === '"' && field === '') {
      quoted = true;
      quoteLine = line;
    } else if (ch === ',') {
      row.push(field);
      field = '';
    } else if (ch === '\r' || ch === '\n') {
      row.push(field);
      rows.push(row);
      row = [];
      field = '';
      if (ch === '\r' && s[i + 1] === '\n') i++;
      line++;
    } else {
      field += ch;
    }
    i++;
  }
  if (quoted) throw new CsvExportError(`Unterminated quoted field starting on line ${quoteLine}.`);
  if (field !== '' || row.length) {
    row.push(field);
    rows.push(row);
  }
  return rows;
}

/** `endolens-session-2026-11-26_1405.csv`, `endolens-findings-...csv` (local time; no characters file systems reject). */
export function exportFileName(kind: 'csv' | 'json', when: Date = new Date(), what: 'session' | 'findings' = 'session'): string {
  const p = (n: number) => String(n).padStart(2, '0');
  const stamp = `${when.getFullYear()}-${p(when.getMonth() + 1)}-${p(when.getDate())}_${p(when.getHours())}${p(when.getMinutes())}`;
  return `endolens-${what}-${stamp}.${kind}`;
}
