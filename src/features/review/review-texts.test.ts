import { describe, expect, it } from 'vitest';
import { reviewResources } from '../../i18n/review.ts';
import { REVIEW_SHORTCUTS } from './shortcuts.ts';

function leafKeys(obj: object, prefix = ''): string[] {
  return Object.entries(obj).flatMap(([k, v]) =>
    typeof v === 'object' && v !== null ? leafKeys(v as object, `${prefix}${k}.`) : [`${prefix}${k}`],
  );
}

describe('review texts', () => {
  it('has the same keys in English and Spanish, none empty', () => {
    expect(leafKeys(reviewResources.es).sort()).toEqual(leafKeys(reviewResources.en).sort());
    for (const lang of [reviewResources.en, reviewResources.es]) {
      expect(JSON.stringify(lang)).not.toMatch(/:""/);
    }
  });
  it('describes every shortcut', () => {
    const keys = new Set(leafKeys(reviewResources.en));
    for (const s of REVIEW_SHORTCUTS) expect(keys.has(s.descriptionKey)).toBe(true);
  });
});
