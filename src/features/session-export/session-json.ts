/**
 * The whole session as one versioned JSON file, importable on another machine with nothing lost.
 *
 * Images: the user chooses, and the default is hashes.
 *  - `hashes` (default): each frame carries the SHA-256 of its original file, not its pixels (nor a
 *    thumbnail). A frame is patient data; a file without images can be mailed to a colleague or kept
 *    with a study's records without becoming a copy of the examination. On import the results and
 *    reviews come back at once, and a re-attach step matches the original files by hash (names may
 *    have changed; contents cannot).
 *  - `embedded`: each frame also carries its original file as a base64 data URL (and its
 *    thumbnail): a self-contained archive, to be stored and shared as patient data.
 * Either way the hash is kept, so embedded images are verified on import too.
 *
 * Videos (session-videos.ts) came with format version 2: a file with videos says 2, so an older app
 * refuses it instead of dropping its videos unseen; a file without videos is still version 1, and
 * version 1 files (no `videos`) import as ever.
 */
import * as v from 'valibot';
import { fieldStep, fieldsValid, jsonObject, nonEmptyString, parseAll, share, show } from '../../core/schema.ts';
import { validateThresholds } from '../../domain/confidence.ts';
import type { SegmentParams } from '../../domain/video-segments.ts';
import { blobToDataUrl, dataUrlToBytes, isBase64DataUrl, sha256Hex } from './encoding.ts';
import {
  FrameResultSchema,
  isoDate,
  SessionModelInfoSchema,
  type ConfidenceThresholds,
  type FrameResult,
  type SessionModelInfo,
} from './types.ts';
import { sessionVideosSchema, toSessionVideo, videoOf, type SessionVideo } from './session-videos.ts';
import type { VideoResult } from './video-results.ts';

export const SESSION_FORMAT = 'endolens-session';
export const SESSION_FORMAT_VERSION = 2;
/** The version a file without videos is written as (readable by apps that predate videos). */
const FRAMES_ONLY_FORMAT_VERSION = 1;

export const IMAGE_MODES = ['hashes', 'embedded'] as const;
export type ImageMode = (typeof IMAGE_MODES)[number];
const ImageModeSchema = v.picklist(IMAGE_MODES, `must be one of ${IMAGE_MODES.join(', ')}`);

const SessionFrameFields = v.object({
  ...FrameResultSchema.entries,
  /** The original file as a base64 data URL; only with imageMode `embedded`. */
  image: v.optional(v.custom<string>(isBase64DataUrl, 'must be the original file as a base64 data URL')),
});
export type SessionFileFrame = v.InferOutput<typeof SessionFrameFields>;

const SessionFields = v.object({
  format: v.literal(SESSION_FORMAT),
  formatVersion: v.message(v.pipe(v.number(), v.integer(), v.minValue(1)), 'must be a positive integer'),
  exportedAt: isoDate,
  imageMode: ImageModeSchema,
  app: v.optional(v.object({ name: v.string(), version: v.optional(v.string()) })),
  model: SessionModelInfoSchema,
  settings: v.optional(
    v.object({
      thresholds: v.optional(
        v.pipe(
          v.object({ confident: v.number(), low: v.number() }),
          // The app's own rule for thresholds, with its message.
          v.rawCheck(({ dataset, addIssue }) => {
            if (!dataset.typed) return;
            try {
              validateThresholds(dataset.value);
            } catch (e) {
              addIssue({ message: `are invalid: ${(e as Error).message}` });
            }
          }),
        ),
      ),
    }),
  ),
  frames: v.array(SessionFrameFields),
});
/** Unknown extra fields are kept on reading (a newer app's additions survive a round trip), not typed. */
export type SessionFile = Omit<v.InferOutput<typeof SessionFields>, 'frames'> & { frames: SessionFileFrame[]; videos?: SessionVideo[] };

/**
 * A session file's schema: what a frame must hold depends on the file's classes and image mode
 * (read first; `undefined` when they are themselves invalid, and reported as such).
 */
function sessionFileSchema(classes: readonly string[] | undefined, imageMode: ImageMode | undefined) {
  const ids = new Set<string>(); // ids seen so far in this file: the schema is made per file
  const frame = v.pipe(
    v.looseObject({
      ...SessionFrameFields.entries,
      id: v.pipe(
        nonEmptyString,
        v.rawCheck(({ dataset, addIssue }) => {
          if (!dataset.typed) return;
          if (ids.has(dataset.value)) addIssue({ message: `"${dataset.value}" appears twice` });
          ids.add(dataset.value);
        }),
      ),
      probabilities: classes
        ? v.pipe(
            v.array(share, `must hold ${classes.length} numbers (one per class)`),
            v.length(classes.length, `must hold ${classes.length} numbers (one per class)`),
          )
        : v.array(share),
      predictedClass: classes ? v.picklist(classes, "must be one of the model's classes") : v.string(),
    }),
    v.rawCheck(({ dataset, addIssue }) => {
      if (!fieldsValid(dataset, 'sha256', 'image')) return;
      const f = dataset.value;
      if (imageMode === 'hashes' && f.sha256 === undefined) addIssue({ message: 'has no sha256, so its image could never be re-attached' });
      if (imageMode === 'hashes' && f.image !== undefined)
        addIssue({ message: 'is present but imageMode is "hashes"', path: [fieldStep(f, 'image')] });
      if (imageMode === 'embedded' && f.image === undefined)
        addIssue({ message: 'must be the original file as a base64 data URL (imageMode is "embedded")', path: [fieldStep(f, 'image')] });
    }),
  );
  return v.pipe(
    jsonObject,
    v.looseObject({ ...SessionFields.entries, frames: v.array(frame, 'must be a list'), videos: sessionVideosSchema() }),
  );
}

export class SessionImportError extends Error {
  override name = 'SessionImportError';
  constructor(
    readonly source: string,
    readonly problems: string[],
  ) {
    const shown = problems.slice(0, 8);
    const more = problems.length > shown.length ? ` (and ${problems.length - shown.length} more)` : '';
    super(`${source} is not a valid EndoLens session: ${shown.join('; ')}${more}.`);
  }
}

export interface BuildSessionOptions {
  model: SessionModelInfo;
  thresholds?: ConfidenceThresholds;
  imageMode?: ImageMode;
  /** The original file of a frame; needed for `embedded`, and for hashes the frames lack. */
  getOriginal?: (frame: FrameResult) => Promise<Blob | undefined> | Blob | undefined;
  app?: { name: string; version?: string };
  now?: Date;
  /** The session's videos, and the segment settings their findings are computed with. */
  videos?: readonly VideoResult[];
  segmentParams?: SegmentParams;
}

export async function buildSessionFile(frames: readonly FrameResult[], opts: BuildSessionOptions): Promise<SessionFile> {
  const imageMode = opts.imageMode ?? 'hashes';
  if (!IMAGE_MODES.includes(imageMode))
    throw new Error(`imageMode must be one of ${IMAGE_MODES.join(', ')}, got ${JSON.stringify(imageMode)}.`);
  const out: SessionFileFrame[] = [];
  for (const f of frames) {
    const needOriginal = imageMode === 'embedded' || !f.sha256;
    const original = needOriginal ? await opts.getOriginal?.(f) : undefined;
    if (needOriginal && !original) {
      throw new Error(
        imageMode === 'embedded'
          ? `The original image of "${f.fileName}" is no longer available, so it cannot be embedded; export with hashes instead.`
          : `"${f.fileName}" has no hash and its original file is no longer available.`,
      );
    }
    const frame: SessionFileFrame = { ...f, review: f.review ? { ...f.review } : undefined, probabilities: [...f.probabilities] };
    if (frame.review === undefined) delete frame.review;
    // JSON has no NaN (it would be written as null and refused on import); the flag still says it all.
    if (frame.familiarityDistance !== undefined && !Number.isFinite(frame.familiarityDistance)) delete frame.familiarityDistance;
    if (original) {
      frame.sha256 = f.sha256 ?? (await sha256Hex(original));
      frame.size ??= original.size;
      if (!frame.mimeType && original.type) frame.mimeType = original.type;
    }
    if (imageMode === 'embedded' && original) frame.image = await blobToDataUrl(original, frame.mimeType);
    if (imageMode === 'hashes') delete frame.thumbnail; // a thumbnail is a picture of the patient too
    out.push(frame);
  }
  const videos = opts.videos ?? [];
  if (videos.length && !opts.segmentParams) throw new Error('The segment settings are needed to export videos.');
  const file: SessionFile = {
    format: SESSION_FORMAT,
    formatVersion: videos.length ? SESSION_FORMAT_VERSION : FRAMES_ONLY_FORMAT_VERSION,
    exportedAt: (opts.now ?? new Date()).toISOString(),
    imageMode,
    model: { name: opts.model.name, version: opts.model.version, classes: [...opts.model.classes] },
    frames: out,
  };
  if (videos.length && opts.segmentParams) {
    const params = opts.segmentParams;
    file.videos = videos.map((video) => toSessionVideo(video, params));
  }
  if (opts.app) file.app = opts.app;
  if (opts.thresholds) file.settings = { thresholds: { ...validateThresholds(opts.thresholds) } };
  return file;
}

export function serializeSession(file: SessionFile): string {
  return JSON.stringify(file);
}

/** `frames[2] ("a.jpg")`, `videos[0] ("b.webm")`: a frame's or video's problems name its file too. */
const frameLabel = (keys: readonly unknown[], value: unknown) =>
  keys.length === 2 &&
  (keys[0] === 'frames' || keys[0] === 'videos') &&
  typeof value === 'object' &&
  value !== null &&
  'fileName' in value &&
  typeof value.fileName === 'string' &&
  value.fileName !== ''
    ? ` ("${value.fileName}")`
    : undefined;

/**
 * Parses and checks a session file. Every problem found is listed (path, file name and the value
 * got), and nothing is imported unless all is well. Unknown extra fields are kept.
 */
export function parseSessionFile(text: string, source = 'The file'): SessionFile {
  let json: unknown;
  try {
    json = JSON.parse(text.startsWith('\uFEFF') ? text.slice(1) : text);
  } catch (e) {
    throw new SessionImportError(source, [`it is not JSON (${(e as Error).message})`]);
  }
  // Which file this is, and whether this app can read it, comes before what is wrong inside it.
  if (!v.is(jsonObject, json)) throw new SessionImportError(source, [`expected a JSON object, got ${show(json)}`]);
  const { format, formatVersion, model, imageMode } = json;
  if (format !== SESSION_FORMAT) {
    throw new SessionImportError(source, [`format must be "${SESSION_FORMAT}", got ${show(format)} (is this an EndoLens session export?)`]);
  }
  if (typeof formatVersion === 'number' && formatVersion > SESSION_FORMAT_VERSION) {
    throw new SessionImportError(source, [
      `it was written by a newer EndoLens (session format ${formatVersion}; this app reads up to ${SESSION_FORMAT_VERSION}): update the app`,
    ]);
  }
  const classes = v.safeParse(SessionModelInfoSchema, model);
  const mode = v.safeParse(ImageModeSchema, imageMode);
  const result = parseAll(
    sessionFileSchema(classes.success ? classes.output.classes : undefined, mode.success ? mode.output : undefined),
    json,
    { label: frameLabel },
  );
  if (!result.success) throw new SessionImportError(source, result.problems);
  return result.output;
}

/** Checks embedded images against their hashes; returns the file names that do not match. */
export async function verifyEmbeddedImages(file: SessionFile): Promise<string[]> {
  const bad: string[] = [];
  for (const f of file.frames) {
    if (!f.image || !f.sha256) continue;
    const { bytes } = dataUrlToBytes(f.image, `The image of "${f.fileName}"`);
    if ((await sha256Hex(bytes)) !== f.sha256) bad.push(f.fileName);
  }
  return bad;
}

/** The frames as the app stores them (embedded images stripped: the app gets them as Files). */
export function framesOf(file: SessionFile): FrameResult[] {
  return file.frames.map(({ image: _image, ...frame }) => ({ ...frame, review: frame.review ? { ...frame.review } : undefined }));
}

/** The file's videos, timelines unpacked (none in a file from before videos). */
export function videosOf(file: SessionFile): VideoResult[] {
  return (file.videos ?? []).map(videoOf);
}

export interface ReattachCandidate {
  name: string;
  sha256: string;
}

export interface ReattachPlan {
  /** Frame id -> index into the candidates. */
  matches: { frameId: string; candidate: number; renamed: boolean }[];
  /** Frames whose original is still missing. */
  missing: { frameId: string; fileName: string }[];
  /** Candidates that match no frame (wrong files chosen). */
  unmatched: string[];
}

/** Matches chosen files to frames by content hash (names may differ); duplicates match every frame with that hash. */
export function planReattach(
  frames: readonly Pick<FrameResult, 'id' | 'fileName' | 'sha256'>[],
  candidates: readonly ReattachCandidate[],
): ReattachPlan {
  const byHash = new Map<string, number>();
  candidates.forEach((c, i) => {
    if (!byHash.has(c.sha256)) byHash.set(c.sha256, i);
  });
  const plan: ReattachPlan = { matches: [], missing: [], unmatched: [] };
  for (const f of frames) {
    const i = f.sha256 ? byHash.get(f.sha256) : undefined;
    if (i === undefined) plan.missing.push({ frameId: f.id, fileName: f.fileName });
    else {
      plan.matches.push({ frameId: f.id, candidate: i, renamed: candidates[i].name !== f.fileName });
    }
  }
  const frameHashes = new Set(frames.map((f) => f.sha256));
  plan.unmatched = candidates.filter((c) => !frameHashes.has(c.sha256)).map((c) => c.name);
  return plan;
}
