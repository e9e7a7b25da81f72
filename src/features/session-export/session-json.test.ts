import { describe, expect, it } from 'vitest';
import { sha256Hex } from './encoding.ts';
import { MODEL, makeFrames } from './fixtures.test-helpers.ts';
import {
  buildSessionFile,
  framesOf,
  parseSessionFile,
  planReattach,
  serializeSession,
  SessionImportError,
  verifyEmbeddedImages,
} from './session-json.ts';

const bytesOf = (id: string) => new TextEncoder().encode(`fake image bytes of ${id}`);
const originals = new Map(makeFrames().map((f) => [f.id, new Blob([bytesOf(f.id)], { type: 'image/jpeg' })]));
const getOriginal = (f: { id: string }) => originals.get(f.id);
const now = new Date('2026-11-26T11:00:00.000Z');
const thresholds = { confident: 0.8, low: 0.5 };

describe('session JSON round trip', () => {
  it('hashes mode: results, reviews and notes come back exactly, with hashes and no pixels', async () => {
    const frames = makeFrames();
    frames[0].thumbnail = 'data:image/jpeg;base64,AAAA';
    const file = await buildSessionFile(frames, {
      model: MODEL,
      thresholds,
      getOriginal,
      now,
      app: { name: 'EndoLens', version: '0.1.0' },
    });
    const text = serializeSession(file);
    expect(text).not.toContain('base64');
    const back = parseSessionFile(text);
    expect(back).toEqual(file);
    const restored = framesOf(back);
    const expected = makeFrames().map((f) => ({ ...f, thumbnail: undefined }));
    for (const [i, f] of restored.entries()) {
      expect(f.sha256).toBe(await sha256Hex(bytesOf(f.id)));
      expect(f.size).toBe(bytesOf(f.id).length);
      expect(f.mimeType).toBe('image/jpeg');
      const { sha256: _h, size: _s, mimeType: _m, ...rest } = f;
      expect({ ...rest, thumbnail: undefined }).toEqual(expected[i]);
    }
    expect(back.settings?.thresholds).toEqual(thresholds);
    expect(back.imageMode).toBe('hashes');
  });

  it('embedded mode: the original bytes come back and are verified against their hash', async () => {
    const file = await buildSessionFile(makeFrames(), { model: MODEL, imageMode: 'embedded', getOriginal, now });
    const back = parseSessionFile(serializeSession(file));
    expect(back).toEqual(file);
    expect(await verifyEmbeddedImages(back)).toEqual([]);
    const tampered = structuredClone(back);
    tampered.frames[1].image = `data:image/jpeg;base64,${btoa('something else')}`;
    expect(await verifyEmbeddedImages(tampered)).toEqual(['=HYPERLINK("http://x")']);
  });

  it('carries the familiarity check: distance and flag come back, "not checked" stays absent, a NaN distance is dropped but the flag kept', async () => {
    const frames = makeFrames();
    frames[0] = { ...frames[0], familiarityDistance: 0.61, unfamiliar: true };
    frames[1] = { ...frames[1], familiarityDistance: Number.NaN, unfamiliar: true };
    frames[2] = { ...frames[2], familiarityDistance: -1e-7, unfamiliar: false }; // rounding below 0 is still a distance
    const back = framesOf(parseSessionFile(serializeSession(await buildSessionFile(frames, { model: MODEL, getOriginal, now }))));
    expect(back.map((f) => [f.familiarityDistance, f.unfamiliar])).toEqual([
      [0.61, true],
      [undefined, true],
      [-1e-7, false],
    ]);
    expect('familiarityDistance' in back[1]).toBe(false);
    const unchecked = framesOf(
      parseSessionFile(serializeSession(await buildSessionFile(makeFrames(), { model: MODEL, getOriginal, now }))),
    );
    expect(unchecked.some((f) => 'unfamiliar' in f || 'familiarityDistance' in f)).toBe(false);
  });

  it('refuses to embed an image that is gone, rather than silently dropping it', async () => {
    await expect(buildSessionFile(makeFrames(), { model: MODEL, imageMode: 'embedded', getOriginal: () => undefined })).rejects.toThrow(
      /"normal, frame 1.jpg" is no longer available/,
    );
  });
});

describe('parseSessionFile rejects bad input with every problem named', () => {
  async function validText(): Promise<Record<string, unknown>> {
    return JSON.parse(serializeSession(await buildSessionFile(makeFrames(), { model: MODEL, getOriginal, now }))) as Record<
      string,
      unknown
    >;
  }

  it('not JSON, not a session, from a newer app', () => {
    expect(() => parseSessionFile('{oops', 'session.json')).toThrow(/session.json is not a valid EndoLens session: it is not JSON/);
    expect(() => parseSessionFile('{"format":"endolens-model"}')).toThrow(/format must be "endolens-session", got "endolens-model"/);
    expect(() => parseSessionFile('{"format":"endolens-session","formatVersion":9}')).toThrow(/newer EndoLens \(session format 9/);
  });

  it('lists frame problems with the path, the file name and the value', async () => {
    const j = await validText();
    const frames = j.frames as Record<string, unknown>[];
    frames[0].probabilities = [0.5, 2, 0.1];
    frames[1].predictedClass = '9_unknown';
    frames[2].sha256 = 'nothex';
    frames[2].id = 'f1';
    try {
      parseSessionFile(JSON.stringify(j), 'a.json');
      expect.unreachable();
    } catch (e) {
      expect(e).toBeInstanceOf(SessionImportError);
      const problems = (e as SessionImportError).problems;
      expect(problems).toContain('frames[0] ("normal, frame 1.jpg").probabilities[1] must be in 0..1, got 2');
      expect(problems).toContain(`frames[1] ("=HYPERLINK("http://x")").predictedClass must be one of the model's classes, got "9_unknown"`);
      expect(problems.some((p) => p.startsWith('frames[2] ("-3.png").sha256 must be 64 lowercase hex digits'))).toBe(true);
      expect(problems).toContain('frames[2] ("-3.png").id "f1" appears twice');
    }
  });

  it('rejects familiarity fields of the wrong type, naming them', async () => {
    const j = await validText();
    const frames = j.frames as Record<string, unknown>[];
    frames[0].familiarityDistance = '0.6';
    frames[1].unfamiliar = 'yes';
    frames[2].familiarityDistance = null;
    try {
      parseSessionFile(JSON.stringify(j), 'a.json');
      expect.unreachable();
    } catch (e) {
      expect((e as SessionImportError).problems).toEqual([
        'frames[0] ("normal, frame 1.jpg").familiarityDistance must be a number (a cosine distance), got "0.6"',
        'frames[1] ("=HYPERLINK("http://x")").unfamiliar must be true or false, got "yes"',
        'frames[2] ("-3.png").familiarityDistance must be a number (a cosine distance), got null',
      ]);
    }
  });

  it('keeps fields a newer app added, and checks the app and settings blocks', async () => {
    const j = await validText();
    j.addedLater = { x: 1 };
    (j.frames as Record<string, unknown>[])[0].addedLater = true;
    const back = parseSessionFile(JSON.stringify(j)) as unknown as Record<string, unknown> & { frames: Record<string, unknown>[] };
    expect(back.addedLater).toEqual({ x: 1 });
    expect(back.frames[0].addedLater).toBe(true);
    j.app = { name: 7 };
    j.settings = { thresholds: { confident: 0.4, low: 0.6 } };
    try {
      parseSessionFile(JSON.stringify(j), 'a.json');
      expect.unreachable();
    } catch (e) {
      expect((e as SessionImportError).problems).toEqual([
        'app.name must be a string, got 7',
        'settings.thresholds are invalid: The "low" threshold (0.6) must not exceed the "confident" threshold (0.4).',
      ]);
    }
  });

  it('requires hashes in hashes mode and images in embedded mode', async () => {
    const j = await validText();
    delete (j.frames as Record<string, unknown>[])[0].sha256;
    expect(() => parseSessionFile(JSON.stringify(j))).toThrow(/frames\[0\] \("normal, frame 1.jpg"\) has no sha256/);
    j.imageMode = 'embedded';
    expect(() => parseSessionFile(JSON.stringify(j))).toThrow(/image must be the original file as a base64 data URL/);
  });
});

describe('planReattach', () => {
  it('matches chosen files by content, even renamed, and reports what is missing or extra', async () => {
    const file = await buildSessionFile(makeFrames(), { model: MODEL, getOriginal, now });
    const candidates = [
      { name: 'renamed.jpg', sha256: await sha256Hex(bytesOf('f2')) },
      { name: 'normal, frame 1.jpg', sha256: await sha256Hex(bytesOf('f1')) },
      { name: 'holiday.jpg', sha256: await sha256Hex(new TextEncoder().encode('other')) },
    ];
    const plan = planReattach(file.frames, candidates);
    expect(plan.matches).toEqual([
      { frameId: 'f1', candidate: 1, renamed: false },
      { frameId: 'f2', candidate: 0, renamed: true },
    ]);
    expect(plan.missing).toEqual([{ frameId: 'f3', fileName: '-3.png' }]);
    expect(plan.unmatched).toEqual(['holiday.jpg']);
  });
});
