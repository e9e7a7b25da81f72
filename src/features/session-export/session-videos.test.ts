import { describe, expect, it } from 'vitest';
import { MODEL, makeFrames } from './fixtures.test-helpers.ts';
import { buildSessionFile, parseSessionFile, serializeSession, SessionImportError, videosOf } from './session-json.ts';
import { makeVideo, PARAMS } from './video-fixtures.test-helpers.ts';
import { videoSegments } from './video-results.ts';

const now = new Date('2026-12-01T10:00:00Z');
const getOriginal = () => new Blob(['x']);

async function exported(videos = [makeVideo()]) {
  return serializeSession(await buildSessionFile(makeFrames(), { model: MODEL, getOriginal, now, videos, segmentParams: PARAMS }));
}

describe('videos in the session file', () => {
  it('round-trips records and timelines: the same findings segments come back', async () => {
    const video = makeVideo({ truncated: { atS: 9.9, detail: 'cut' } });
    const text = await exported([video]);
    const file = parseSessionFile(text);
    expect(file.formatVersion).toBe(2);
    const json = JSON.parse(text) as {
      videos: { segments: unknown[]; timeline: { t: number[]; probabilities: number[][]; unfamiliar: number[] } }[];
    };
    // Compact: one time array, one array per class rounded to 4 decimals, unfamiliar frames by index.
    expect(json.videos[0].timeline.t[3]).toBe(0.3);
    expect(json.videos[0].timeline.probabilities).toHaveLength(2);
    expect(json.videos[0].timeline.probabilities[1][52]).toBe(0.9312);
    expect(json.videos[0].timeline.unfamiliar).toEqual([70]);
    expect(text).not.toContain('points');

    const [back] = videosOf(file);
    expect(back).toMatchObject({
      id: 'v1',
      fileName: 'procedure.webm',
      size: 123456,
      lastModified: video.lastModified,
      status: 'done',
      info: video.info,
      framesAnalysed: 100,
      truncated: { atS: 9.9, detail: 'cut' },
      model: video.model,
    });
    expect(back.points).toHaveLength(100);
    expect(back.points[70].unfamiliar).toBe(true);
    expect(back.points[69].unfamiliar).toBe(false);
    const before = videoSegments(video, PARAMS);
    const after = videoSegments(back, PARAMS);
    // Times are kept to the microsecond (5.1000000000000005 comes back as 5.1).
    const shape = (segs: typeof before) => segs.map((s) => [s.className, s.start.toFixed(6), s.end.toFixed(6), s.frames]);
    expect(shape(after)).toEqual(shape(before));
    after.forEach((s, i) => {
      expect(s.meanProbability).toBeCloseTo(before[i].meanProbability, 4);
      expect(s.maxProbability).toBeCloseTo(before[i].maxProbability, 4);
    });
    // The file also says what was found at export, and how.
    expect(file.videos?.[0].segmentParams).toEqual(PARAMS);
    expect(file.videos?.[0].segments.map((s) => [s.class, s.start.toFixed(6)])).toEqual(
      before.map((s) => [s.className, s.start.toFixed(6)]),
    );
  });

  it('leaves unfamiliar out of a timeline the model did not check, and writes version 1 without videos', async () => {
    const unchecked = makeVideo({ points: makeVideo().points.map(({ t, probabilities }) => ({ t, probabilities })) });
    const [back] = videosOf(parseSessionFile(await exported([unchecked])));
    expect(back.points.every((p) => !('unfamiliar' in p))).toBe(true);
    const old = parseSessionFile(await exported([]));
    expect(old.formatVersion).toBe(1);
    expect(old.videos).toBeUndefined();
    expect(videosOf(old)).toEqual([]);
  });

  it('refuses a bad videos block, naming each problem with the video file', async () => {
    const j = JSON.parse(await exported([makeVideo(), makeVideo({ id: 'v2', fileName: 'second.mp4' })])) as {
      videos: Record<string, unknown>[];
    };
    const [first, second] = j.videos;
    const timeline = first.timeline as { t: number[]; probabilities: number[][]; unfamiliar: number[] };
    timeline.probabilities[1] = timeline.probabilities[1].slice(1);
    timeline.t[5] = 0.1;
    timeline.unfamiliar = [500];
    first.status = 'finished';
    (first.segments as Record<string, unknown>[])[0].class = '9_tumour';
    second.id = 'v1';
    second.segmentParams = { smoothingS: 1, enter: 0.3, exit: 0.5, minDurationS: 1 };
    second.framesAnalysed = -1;
    try {
      parseSessionFile(JSON.stringify(j), 'bad.json');
      expect.unreachable();
    } catch (e) {
      expect(e).toBeInstanceOf(SessionImportError);
      const problems = (e as SessionImportError).problems;
      expect(problems).toContain(
        'videos[0] ("procedure.webm").status must be one of queued, running, paused, done, error, cancelled, got "finished"',
      );
      expect(problems).toContain(
        'videos[0] ("procedure.webm").timeline.probabilities[1] must hold 100 numbers (one per time in t), got 99',
      );
      expect(problems).toContain('videos[0] ("procedure.webm").timeline.t[5] comes before the time ahead of it (times must be in order)');
      expect(problems).toContain('videos[0] ("procedure.webm").timeline.unfamiliar[0] must be an index into t (0..99)');
      expect(problems).toContain('videos[1] ("second.mp4").id "v1" appears twice');
      expect(problems).toContain(
        'videos[1] ("second.mp4").segmentParams are invalid: the closing threshold must be between 0 and the opening threshold',
      );
      expect(problems).toContain('videos[1] ("second.mp4").framesAnalysed must be a count (an integer >= 0), got -1');
    }
    j.videos = [
      {
        ...first,
        status: 'done',
        timeline: { t: [0], probabilities: [[0.5]] },
        segments: [{ ...(first.segments as object[])[0], class: '9_tumour' }],
      },
    ];
    try {
      parseSessionFile(JSON.stringify(j), 'bad.json');
      expect.unreachable();
    } catch (e) {
      expect((e as SessionImportError).problems).toEqual([
        `videos[0] ("procedure.webm").timeline.probabilities must hold 2 arrays (one per class of the video's model), got 1`,
        `videos[0] ("procedure.webm").segments[0] names class "9_tumour", which the video's model does not have`,
      ]);
    }
    j.videos = 'none' as unknown as Record<string, unknown>[];
    expect(() => parseSessionFile(JSON.stringify(j))).toThrow(/videos must be a list, got "none"/);
  });
});
