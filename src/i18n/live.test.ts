import { describe, expect, it } from 'vitest';
import { liveResources } from './live.ts';

/** Every leaf text by its dotted key. */
function leaves(obj: object, prefix = ''): Record<string, string> {
  return Object.fromEntries(
    Object.entries(obj).flatMap(([k, v]) =>
      typeof v === 'string' ? [[`${prefix}${k}`, v]] : Object.entries(leaves(v as object, `${prefix}${k}.`)),
    ),
  );
}

describe('live view texts', () => {
  const en = leaves(liveResources.en);
  const es = leaves(liveResources.es);
  const placeholders = (s: string) => (s.match(/\{\{\w+\}\}/g) ?? []).sort();

  it('has the same keys and placeholders in English and Spanish, none empty', () => {
    expect(Object.keys(es).sort()).toEqual(Object.keys(en).sort());
    for (const [k, text] of Object.entries(en)) {
      expect(placeholders(es[k]), k).toEqual(placeholders(text));
      expect(text.trim(), k).not.toBe('');
      expect(es[k].trim(), k).not.toBe('');
    }
  });

  it('has a message for every camera error code', () => {
    for (const code of ['denied', 'no-camera', 'busy', 'unsupported', 'ended', 'failed']) expect(en[`live.errors.${code}`]).toBeTruthy();
  });
});
