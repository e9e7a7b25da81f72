/**
 * Videos in the session file (format version 2). Each carries its record, its model, the findings
 * segments as computed at export (with the settings used, for a reader of the file; the app derives
 * segments again from the timeline on import) and the timeline compactly: one array of times and one
 * array of probabilities per class (4 decimals), and the indices of frames the unfamiliar-frame check
 * flagged (absent: the model had no check). Never the video itself: it is big, and patient data; the
 * user drops the same file again to play it.
 */
import * as v from 'valibot';
import { count, fieldStep, fieldsValid, itemStep, nonEmptyString, share } from '../../core/schema.ts';
import { checkSegmentParams, type SegmentParams, type TimelinePoint } from '../../domain/video-segments.ts';
import { SessionModelInfoSchema } from './types.ts';
import { VIDEO_STATUSES, videoSegments, type VideoResult } from './video-results.ts';

const seconds = v.message(v.pipe(v.number(), v.finite(), v.minValue(0)), 'must be a time in seconds (a number >= 0)');
const positive = v.message(v.pipe(v.number(), v.finite(), v.gtValue(0)), 'must be a number above 0');

const SegmentParamsSchema = v.pipe(
  v.object({ smoothingS: v.number(), enter: v.number(), exit: v.number(), minDurationS: v.number() }),
  v.rawCheck(({ dataset, addIssue }) => {
    if (!dataset.typed) return;
    const problem = checkSegmentParams(dataset.value);
    if (problem) addIssue({ message: `are invalid: ${problem}` });
  }),
);

const SessionSegmentSchema = v.object({
  class: nonEmptyString,
  start: seconds,
  end: seconds,
  meanProbability: share,
  maxProbability: share,
  frames: count,
});

const TimelineSchema = v.object({
  /** Seconds from the start of the video, in time order. */
  t: v.array(seconds),
  /** One array per class (the video model's class order), each as long as `t`. */
  probabilities: v.array(v.array(share)),
  /** Indices into `t` of frames flagged unlike the training images; absent: not checked. */
  unfamiliar: v.optional(v.array(count)),
});

export const SessionVideoSchema = v.object({
  id: nonEmptyString,
  fileName: nonEmptyString,
  size: count,
  lastModified: v.message(v.pipe(v.number(), v.finite()), 'must be a time (milliseconds since 1970)'),
  status: v.picklist(VIDEO_STATUSES, `must be one of ${VIDEO_STATUSES.join(', ')}`),
  info: v.optional(v.object({ durationS: seconds, width: count, height: count, codec: v.string(), downscaled: v.boolean() })),
  sampleFps: positive,
  framesAnalysed: count,
  analysedUntilS: seconds,
  model: SessionModelInfoSchema,
  backend: v.optional(v.string()),
  truncated: v.optional(v.object({ atS: seconds, detail: v.optional(v.string()) })),
  error: v.optional(v.object({ code: nonEmptyString, detail: v.optional(v.string()) })),
  segmentParams: SegmentParamsSchema,
  segments: v.array(SessionSegmentSchema),
  timeline: TimelineSchema,
});
export type SessionVideo = v.InferOutput<typeof SessionVideoSchema>;

/** The checks across a video's fields (timeline shape, classes of segments), each naming its field. */
function checkVideo(ids: Set<string>) {
  return v.rawCheck<SessionVideo>(({ dataset, addIssue }) => {
    if (fieldsValid(dataset, 'id')) {
      if (ids.has(dataset.value.id)) addIssue({ message: `"${dataset.value.id}" appears twice`, path: [fieldStep(dataset.value, 'id')] });
      ids.add(dataset.value.id);
    }
    if (!fieldsValid(dataset, 'model', 'timeline', 'segments')) return;
    const { model, timeline, segments } = dataset.value;
    const timelineStep = fieldStep(dataset.value, 'timeline');
    const at = (key: keyof typeof timeline, message: string, index?: number) => {
      const step = fieldStep(timeline, key);
      const field = timeline[key];
      addIssue({ message, path: index === undefined || !field ? [timelineStep, step] : [timelineStep, step, itemStep(field, index)] });
    };
    const n = timeline.t.length;
    if (timeline.probabilities.length !== model.classes.length)
      at(
        'probabilities',
        `must hold ${model.classes.length} arrays (one per class of the video's model), got ${timeline.probabilities.length}`,
      );
    const short = timeline.probabilities.findIndex((p) => p.length !== n);
    if (short >= 0) at('probabilities', `must hold ${n} numbers (one per time in t), got ${timeline.probabilities[short].length}`, short);
    const back = timeline.t.findIndex((t, i) => i > 0 && t < timeline.t[i - 1]);
    if (back >= 0) at('t', `comes before the time ahead of it (times must be in order)`, back);
    const outside = timeline.unfamiliar?.findIndex((i) => i >= n) ?? -1;
    if (outside >= 0) at('unfamiliar', `must be an index into t (0..${n - 1})`, outside);
    const stranger = segments.findIndex((s) => !model.classes.includes(s.class));
    if (stranger >= 0)
      addIssue({
        message: `names class "${segments[stranger].class}", which the video's model does not have`,
        path: [fieldStep(dataset.value, 'segments'), itemStep(segments, stranger)],
      });
  });
}

/** The schema of a file's `videos` list (made per file: ids must be unique within it). */
export function sessionVideosSchema() {
  const ids = new Set<string>();
  return v.optional(v.array(v.pipe(v.looseObject(SessionVideoSchema.entries), checkVideo(ids)), 'must be a list'));
}

const round = (x: number, digits: number) => {
  const f = 10 ** digits;
  return Math.round(x * f) / f;
};

/** A video as the session file holds it; segments computed now, with `params`. */
export function toSessionVideo(video: VideoResult, params: SegmentParams): SessionVideo {
  const classes = video.model.classes;
  const { points } = video;
  const checked = points.some((p) => p.unfamiliar !== undefined);
  const out: SessionVideo = {
    id: video.id,
    fileName: video.fileName,
    size: video.size,
    lastModified: video.lastModified,
    status: video.status,
    sampleFps: video.sampleFps,
    framesAnalysed: video.framesAnalysed,
    analysedUntilS: video.analysedUntilS,
    model: { name: video.model.name, version: video.model.version, classes: [...classes] },
    segmentParams: { ...params },
    segments: videoSegments(video, params).map((s) => ({
      class: s.className,
      start: round(s.start, 6),
      end: round(s.end, 6),
      meanProbability: round(s.meanProbability, 4),
      maxProbability: round(s.maxProbability, 4),
      frames: s.frames,
    })),
    timeline: {
      t: points.map((p) => round(p.t, 6)),
      probabilities: classes.map((_, c) => points.map((p) => round(p.probabilities[c], 4))),
    },
  };
  if (checked) out.timeline.unfamiliar = points.flatMap((p, i) => (p.unfamiliar ? [i] : []));
  if (video.info) out.info = { ...video.info };
  if (video.backend) out.backend = video.backend;
  if (video.truncated) out.truncated = { ...video.truncated };
  if (video.error) out.error = { ...video.error };
  return out;
}

/** The timeline points of a video read from a session file. */
export function timelineOf(video: SessionVideo): TimelinePoint[] {
  const { t, probabilities, unfamiliar } = video.timeline;
  const flagged = unfamiliar ? new Set(unfamiliar) : undefined;
  return t.map((time, i) => {
    const p: TimelinePoint = { t: time, probabilities: probabilities.map((row) => row[i]) };
    return flagged ? { ...p, unfamiliar: flagged.has(i) } : p;
  });
}

/** A video read from a session file, as the exports' plain shape. */
export function videoOf(video: SessionVideo): VideoResult {
  const { segmentParams: _params, segments: _segments, timeline: _timeline, ...rest } = video;
  return { ...rest, model: { ...video.model, classes: [...video.model.classes] }, points: timelineOf(video) };
}
