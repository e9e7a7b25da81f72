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
 */
import { validateThresholds } from '../../domain/confidence.ts';
import { blobToDataUrl, dataUrlToBytes, isBase64DataUrl, sha256Hex } from './encoding.ts';
import type { ConfidenceThresholds, FrameResult, ReviewState, SessionModelInfo } from './types.ts';

export const SESSION_FORMAT = 'endolens-session';
export const SESSION_FORMAT_VERSION = 1;

export type ImageMode = 'hashes' | 'embedded';
export const IMAGE_MODES: readonly ImageMode[] = ['hashes', 'embedded'];

export interface SessionFileFrame extends FrameResult {
  /** The original file as a base64 data URL; only with imageMode `embedded`. */
  image?: string;
}

export interface SessionFile {
  format: typeof SESSION_FORMAT;
  formatVersion: number;
  exportedAt: string;
  imageMode: ImageMode;
  app?: { name: string; version?: string };
  model: SessionModelInfo;
  settings?: { thresholds?: ConfidenceThresholds };
  frames: SessionFileFrame[];
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
}

export async function buildSessionFile(frames: readonly FrameResult[], opts: BuildSessionOptions): Promise<SessionFile> {
  const imageMode = opts.imageMode ?? 'hashes';
  if (!IMAGE_MODES.includes(imageMode)) throw new Error(`imageMode must be one of ${IMAGE_MODES.join(', ')}, got ${JSON.stringify(imageMode)}.`);
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
  const file: SessionFile = {
    format: SESSION_FORMAT,
    formatVersion: SESSION_FORMAT_VERSION,
    exportedAt: (opts.now ?? new Date()).toISOString(),
    imageMode,
    model: { name: opts.model.name, version: opts.model.version, classes: [...opts.model.classes] },
    frames: out,
  };
  if (opts.app) file.app = opts.app;
  if (opts.thresholds) file.settings = { thresholds: { ...validateThresholds(opts.thresholds) } };
  return file;
}

export function serializeSession(file: SessionFile): string {
  return JSON.stringify(file);
}

function isRecord(v: unknown): v is Record<string, unknown> {
  return typeof v === 'object' && v !== null && !Array.isArray(v);
}

const show = (v: unknown) => {
  const s = JSON.stringify(v);
  return s === undefined ? String(v) : s.length > 40 ? `${s.slice(0, 40)}…` : s;
};
const HEX64 = /^[0-9a-f]{64}$/;

function isIsoDate(v: unknown): boolean {
  return typeof v === 'string' && v !== '' && !Number.isNaN(Date.parse(v));
}

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
  const problems: string[] = [];
  if (!isRecord(json)) throw new SessionImportError(source, [`expected a JSON object, got ${show(json)}`]);
  if (json.format !== SESSION_FORMAT) {
    throw new SessionImportError(source, [`format must be "${SESSION_FORMAT}", got ${show(json.format)} (is this an EndoLens session export?)`]);
  }
  const version = json.formatVersion;
  if (typeof version !== 'number' || !Number.isInteger(version) || version < 1) {
    problems.push(`formatVersion must be a positive integer, got ${show(version)}`);
  } else if (version > SESSION_FORMAT_VERSION) {
    throw new SessionImportError(source, [`it was written by a newer EndoLens (session format ${version}; this app reads up to ${SESSION_FORMAT_VERSION}): update the app`]);
  }
  if (!isIsoDate(json.exportedAt)) problems.push(`exportedAt must be an ISO date, got ${show(json.exportedAt)}`);
  const imageMode = json.imageMode;
  if (!IMAGE_MODES.includes(imageMode as ImageMode)) problems.push(`imageMode must be one of ${IMAGE_MODES.join(', ')}, got ${show(imageMode)}`);

  const model = json.model;
  let classes: string[] = [];
  if (!isRecord(model)) {
    problems.push(`model must be an object with name, version and classes, got ${show(model)}`);
  } else {
    for (const k of ['name', 'version'] as const) if (typeof model[k] !== 'string' || model[k] === '') problems.push(`model.${k} must be a non-empty string, got ${show(model[k])}`);
    if (!Array.isArray(model.classes) || model.classes.length < 2 || !model.classes.every((c) => typeof c === 'string' && c !== '')) {
      problems.push(`model.classes must list at least 2 class names, got ${show(model.classes)}`);
    } else {
      classes = model.classes as string[];
      const dup = classes.find((c, i) => classes.indexOf(c) !== i);
      if (dup) problems.push(`model.classes names "${dup}" twice`);
    }
  }

  if (json.settings !== undefined) {
    if (!isRecord(json.settings)) problems.push(`settings must be an object, got ${show(json.settings)}`);
    else if (json.settings.thresholds !== undefined) {
      try {
        validateThresholds(json.settings.thresholds as ConfidenceThresholds);
      } catch (e) {
        problems.push(`settings.thresholds: ${(e as Error).message}`);
      }
    }
  }

  if (!Array.isArray(json.frames)) {
    problems.push(`frames must be a list, got ${show(json.frames)}`);
  } else {
    const ids = new Set<string>();
    json.frames.forEach((f: unknown, i: number) => {
      const at = `frames[${i}]`;
      if (!isRecord(f)) {
        problems.push(`${at} must be an object, got ${show(f)}`);
        return;
      }
      const where = typeof f.fileName === 'string' ? `${at} ("${f.fileName}")` : at;
      if (typeof f.id !== 'string' || f.id === '') problems.push(`${where}.id must be a non-empty string, got ${show(f.id)}`);
      else if (ids.has(f.id)) problems.push(`${where}.id "${f.id}" appears twice`);
      else ids.add(f.id);
      if (typeof f.fileName !== 'string' || f.fileName === '') problems.push(`${at}.fileName must be a non-empty string, got ${show(f.fileName)}`);
      const p = f.probabilities;
      if (!Array.isArray(p) || (classes.length && p.length !== classes.length)) {
        problems.push(`${where}.probabilities must hold ${classes.length} numbers (one per class), got ${show(p)}`);
      } else {
        p.forEach((v: unknown, j: number) => {
          if (typeof v !== 'number' || !(v >= 0 && v <= 1)) problems.push(`${where}.probabilities[${j}] must be in 0..1, got ${show(v)}`);
        });
      }
      if (typeof f.predictedClass !== 'string' || (classes.length && !classes.includes(f.predictedClass))) {
        problems.push(`${where}.predictedClass must be one of the model's classes, got ${show(f.predictedClass)}`);
      }
      if (typeof f.confidence !== 'number' || !(f.confidence >= 0 && f.confidence <= 1)) problems.push(`${where}.confidence must be in 0..1, got ${show(f.confidence)}`);
      // Any finite number: rounding can put a distance a hair below 0.
      if (f.familiarityDistance !== undefined && (typeof f.familiarityDistance !== 'number' || !Number.isFinite(f.familiarityDistance))) {
        problems.push(`${where}.familiarityDistance must be a number (a cosine distance), got ${show(f.familiarityDistance)}`);
      }
      if (f.unfamiliar !== undefined && typeof f.unfamiliar !== 'boolean') problems.push(`${where}.unfamiliar must be true or false, got ${show(f.unfamiliar)}`);
      if (typeof f.backend !== 'string') problems.push(`${where}.backend must be a string, got ${show(f.backend)}`);
      if (!isIsoDate(f.classifiedAt)) problems.push(`${where}.classifiedAt must be an ISO date, got ${show(f.classifiedAt)}`);
      if (f.sha256 !== undefined && (typeof f.sha256 !== 'string' || !HEX64.test(f.sha256))) problems.push(`${where}.sha256 must be 64 lowercase hex digits, got ${show(f.sha256)}`);
      if (imageMode === 'hashes' && f.sha256 === undefined) problems.push(`${where} has no sha256, so its image could never be re-attached`);
      if (f.size !== undefined && (typeof f.size !== 'number' || !Number.isInteger(f.size) || f.size < 0)) problems.push(`${where}.size must be a byte count, got ${show(f.size)}`);
      if (f.mimeType !== undefined && typeof f.mimeType !== 'string') problems.push(`${where}.mimeType must be a string, got ${show(f.mimeType)}`);
      if (f.thumbnail !== undefined && !isBase64DataUrl(f.thumbnail)) problems.push(`${where}.thumbnail must be a base64 data URL`);
      if (imageMode === 'embedded' && !isBase64DataUrl(f.image)) problems.push(`${where}.image must be the original file as a base64 data URL (imageMode is "embedded")`);
      if (imageMode === 'hashes' && f.image !== undefined) problems.push(`${where}.image is present but imageMode is "hashes"`);
      if (f.review !== undefined) {
        const r = f.review;
        if (!isRecord(r)) problems.push(`${where}.review must be an object, got ${show(r)}`);
        else {
          for (const k of ['reviewedClass', 'note'] as const) if (r[k] !== undefined && typeof r[k] !== 'string') problems.push(`${where}.review.${k} must be a string, got ${show(r[k])}`);
          if (r.reviewedAt !== undefined && !isIsoDate(r.reviewedAt)) problems.push(`${where}.review.reviewedAt must be an ISO date, got ${show(r.reviewedAt)}`);
        }
      }
    });
  }
  if (problems.length) throw new SessionImportError(source, problems);
  return json as unknown as SessionFile;
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
  return file.frames.map(({ image: _image, ...frame }) => ({ ...frame, review: frame.review ? ({ ...frame.review } as ReviewState) : undefined }));
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
export function planReattach(frames: readonly Pick<FrameResult, 'id' | 'fileName' | 'sha256'>[], candidates: readonly ReattachCandidate[]): ReattachPlan {
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
