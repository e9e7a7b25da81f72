import * as v from 'valibot';
import { describe, expect, it } from 'vitest';
import { count, jsonObject, measured, parseAll, parseFile, SchemaError, show } from './schema.ts';

const Frame = v.object({ id: v.string(), size: count, note: v.optional(v.string()) });
const File = v.pipe(jsonObject, v.object({ frames: v.array(Frame), loss: measured }));

function problems(value: unknown, label?: Parameters<typeof parseAll>[2]): string[] {
  const r = parseAll(File, value, label);
  return r.success ? [] : r.problems;
}

describe('parseAll: every problem as "<path> must be ..., got <value>"', () => {
  it('names the path and the value; a missing field is "missing"; one line per path', () => {
    expect(problems({ frames: [{ id: 'a', size: 1.5 }, { size: -1 }, 7], loss: 'x' })).toEqual([
      'frames[0].size must be a count (an integer >= 0), got 1.5',
      'frames[1].id is missing',
      'frames[1].size must be a count (an integer >= 0), got -1',
      'frames[2] must be an object, got 7',
      'loss must be a number (null for NaN), got "x"',
    ]);
  });

  it('refuses a top level that is not a JSON object (an array included)', () => {
    expect(problems([1, 2])).toEqual(['expected a JSON object, got [1,2]']);
  });

  it('labels path steps (e.g. a frame by its file name)', () => {
    const label = (keys: readonly unknown[], value: unknown) =>
      keys.length === 2 && keys[0] === 'frames' && typeof value === 'object' && value && 'id' in value
        ? ` ("${String(value.id)}")`
        : undefined;
    expect(problems({ frames: [{ id: 'x.jpg', size: -2 }], loss: 0 }, { label })).toEqual([
      'frames[0] ("x.jpg").size must be a count (an integer >= 0), got -2',
    ]);
  });

  it('reads null as NaN for a measured number, and keeps a valid file as parsed', () => {
    const r = parseAll(File, { frames: [], loss: null });
    expect(r.success && r.output.loss).toBeNaN();
  });

  it('parseFile throws a SchemaError naming the file', () => {
    expect(() => parseFile(File, { frames: 1, loss: 0 }, 'runs/x/meta.json')).toThrow(
      new SchemaError('runs/x/meta.json', ['frames must be a list, got 1']),
    );
  });
});

describe('show', () => {
  it('writes JSON, cut to a length, and NaN as NaN', () => {
    expect(show('a')).toBe('"a"');
    expect(show(Number.NaN)).toBe('NaN');
    expect(show(undefined)).toBe('undefined');
    expect(show('x'.repeat(50))).toBe(`"${'x'.repeat(39)}…`);
  });
});
