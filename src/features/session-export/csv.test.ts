import { describe, expect, it } from 'vitest';
import {
  csvColumns,
  CsvExportError,
  exportFileName,
  formatNumber,
  neutralizeFormula,
  parseCsv,
  quoteCsvField,
  sessionToCsv,
} from './csv.ts';
import { MODEL, makeFrames } from './fixtures.test-helpers.ts';

const thresholds = { confident: 0.8, low: 0.5 };

describe('sessionToCsv', () => {
  const csv = sessionToCsv(makeFrames(), { model: MODEL, thresholds });
  const rows = parseCsv(csv);

  it('has a header and one row per frame, every row as wide as the header', () => {
    expect(rows[0]).toEqual([
      'file_name',
      'predicted_class',
      'p_0_normal',
      'p_2_polyps',
      'p_3_esophagitis',
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
    ]);
    expect(rows).toHaveLength(4);
    for (const r of rows) expect(r).toHaveLength(rows[0].length);
  });

  it('writes the values of each frame under the right column', () => {
    const col = (name: string) => rows[0].indexOf(name);
    const [, a, b, c] = rows;
    expect(a[col('file_name')]).toBe('normal, frame 1.jpg');
    expect([a[col('p_0_normal')], a[col('p_2_polyps')], a[col('p_3_esophagitis')]]).toEqual(['0.91', '0.06', '0.03']);
    expect([a[col('confidence_level')], a[col('clinician_class')], a[col('agrees_with_model')]]).toEqual(['confident', '0_normal', 'yes']);
    expect([b[col('confidence_level')], b[col('clinician_class')], b[col('agrees_with_model')]]).toEqual([
      'uncertain',
      '3_esophagitis',
      'no',
    ]);
    expect(b[col('note')]).toBe('says "polyp",\nbut it is\r\ninflamed; ñandú');
    expect([c[col('confidence_level')], c[col('clinician_class')], c[col('agrees_with_model')]]).toEqual(['low', '', '']);
    expect([c[col('model_name')], c[col('model_version')], c[col('backend')], c[col('classified_at')]]).toEqual([
      'EndoLens MobileNetV2',
      '1.2.0',
      'wasm',
      '2026-11-26T10:00:02.000Z',
    ]);
  });

  it('neutralises cells a spreadsheet would run as formulas', () => {
    const col = (name: string) => rows[0].indexOf(name);
    expect(rows[2][col('file_name')]).toBe(`'=HYPERLINK("http://x")`);
    expect(rows[3][col('file_name')]).toBe(`'-3.png`);
    expect(rows[3][col('note')]).toBe(`'@mention +1`);
    expect(neutralizeFormula('\tcmd')).toBe(`'\tcmd`);
    expect(neutralizeFormula('plain')).toBe('plain');
  });

  it('follows RFC 4180 on the wire: CRLF rows, quoted fields, doubled quotes, BOM for Excel', () => {
    expect(csv.startsWith('\uFEFFfile_name,')).toBe(true);
    expect(csv.endsWith('\r\n')).toBe(true);
    expect(csv).toContain('"normal, frame 1.jpg"');
    expect(csv).toContain('"\'=HYPERLINK(""http://x"")"');
    expect(quoteCsvField('a"b')).toBe('"a""b"');
    expect(quoteCsvField('plain')).toBe('plain');
    expect(sessionToCsv([], { model: MODEL, thresholds, bom: false })).toBe(`${csvColumns(MODEL.classes).join(',')}\r\n`);
  });

  it('uses the thresholds it is given', () => {
    const strict = parseCsv(sessionToCsv(makeFrames(), { model: MODEL, thresholds: { confident: 0.95, low: 0.9 } }));
    expect(strict.slice(1).map((r) => r[6])).toEqual(['uncertain', 'low', 'low']);
  });

  it('says "unfamiliar" for a frame the familiarity check flagged, whatever its probability, with its distance (empty when not checked)', () => {
    const frames = makeFrames();
    frames[0] = {
      ...frames[0],
      fileName: '=noise.png',
      probabilities: [0.997, 0.002, 0.001],
      confidence: 0.997,
      familiarityDistance: 0.6123456789,
      unfamiliar: true,
    };
    frames[1] = { ...frames[1], familiarityDistance: 0.05, unfamiliar: false };
    const rows = parseCsv(sessionToCsv(frames, { model: MODEL, thresholds }));
    const col = (name: string) => rows[0].indexOf(name);
    expect(
      rows.slice(1).map((r) => [r[col('file_name')], r[col('confidence')], r[col('confidence_level')], r[col('familiarity_distance')]]),
    ).toEqual([
      [`'=noise.png`, '0.997', 'unfamiliar', '0.612346'],
      ['\'=HYPERLINK("http://x")', '0.55', 'uncertain', '0.05'],
      [`'-3.png`, '0.4', 'low', ''],
    ]);
    for (const r of rows) expect(r).toHaveLength(rows[0].length);
  });

  it('refuses a frame whose probabilities do not match the classes, naming it', () => {
    const frames = makeFrames();
    frames[1].probabilities = [0.5, 0.5];
    expect(() => sessionToCsv(frames, { model: MODEL, thresholds })).toThrow(CsvExportError);
    expect(() => sessionToCsv(frames, { model: MODEL, thresholds })).toThrow(
      /"=HYPERLINK\("http:\/\/x"\)" has 2 probabilities but the model has 3/,
    );
  });
});

describe('helpers', () => {
  it('formats numbers without exponents or trailing zeros', () => {
    expect([formatNumber(1), formatNumber(0.5), formatNumber(1e-7), formatNumber(0.1234567), formatNumber(Number.NaN)]).toEqual([
      '1',
      '0.5',
      '0',
      '0.123457',
      '',
    ]);
  });
  it('parses quoted line breaks and reports an unterminated quote', () => {
    expect(parseCsv('a,"b\nc"\r\nd,e')).toEqual([
      ['a', 'b\nc'],
      ['d', 'e'],
    ]);
    expect(() => parseCsv('a,"b\nc')).toThrow(/line 1/);
  });
  it('names export files by date', () => {
    expect(exportFileName('csv', new Date(2026, 10, 6, 9, 5))).toBe('endolens-session-2026-11-06_0905.csv');
  });
});
