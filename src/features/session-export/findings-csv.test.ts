import { describe, expect, it } from 'vitest';
import { parseCsv } from './csv.ts';
import { FINDINGS_COLUMNS, findingsToCsv } from './findings-csv.ts';
import { makeVideo, PARAMS } from './video-fixtures.test-helpers.ts';

describe('findingsToCsv', () => {
  it('writes one row per findings segment with fixed English columns, times with 3 decimals', () => {
    const csv = findingsToCsv([makeVideo()], { params: PARAMS });
    expect(csv.startsWith('\uFEFF')).toBe(true);
    expect(csv.endsWith('\r\n')).toBe(true);
    const [header, ...rows] = parseCsv(csv).filter((r) => r.length > 1);
    expect(header).toEqual([...FINDINGS_COLUMNS]);
    expect(header).toEqual([
      'video_file',
      'start_s',
      'end_s',
      'class',
      'mean_probability',
      'max_probability',
      'frames',
      'model_name',
      'model_version',
    ]);
    expect(rows).toHaveLength(1);
    const row = Object.fromEntries(header.map((c, i) => [c, rows[0][i]]));
    expect(row.video_file).toBe('procedure.webm');
    expect(row.class).toBe('2_polyps');
    expect(row.start_s).toMatch(/^\d+\.\d{3}$/);
    expect(row.end_s).toBe('10.000'); // the last frame (9.9 s) plus one frame interval
    expect(Number(row.start_s)).toBeGreaterThanOrEqual(4.5);
    expect(Number(row.start_s)).toBeLessThanOrEqual(5.1);
    expect(Number(row.mean_probability)).toBeGreaterThan(0.9);
    expect(row.max_probability).toBe('0.962469'); // 6 decimals at most, as the frames CSV
    expect(Number(row.frames)).toBeGreaterThan(40); // the unfamiliar frame is not counted
    expect(row.model_name).toBe('EndoLens MobileNetV2');
    expect(row.model_version).toBe('1.1.0');
  });

  it('keeps a hostile or awkward video name as text', () => {
    const csv = findingsToCsv(
      [makeVideo({ fileName: '=cmd.webm' }), makeVideo({ id: 'v2', fileName: 'a, "b".webm' }), makeVideo({ id: 'v3', fileName: '@x.mp4' })],
      { params: PARAMS, bom: false },
    );
    expect(csv.startsWith('video_file,')).toBe(true);
    expect(csv).toContain("\r\n'=cmd.webm,");
    expect(csv).toContain('\r\n"a, ""b"".webm",');
    const names = parseCsv(csv)
      .slice(1)
      .filter((r) => r.length > 1)
      .map((r) => r[0]);
    expect(names).toEqual(["'=cmd.webm", 'a, "b".webm', "'@x.mp4"]);
  });

  it('has only the header when no video has a finding', () => {
    const calm = makeVideo({ points: makeVideo().points.map((p) => ({ ...p, probabilities: [0.9, 0.1] })) });
    expect(findingsToCsv([calm], { params: PARAMS, bom: false })).toBe(`${FINDINGS_COLUMNS.join(',')}\r\n`);
  });
});
