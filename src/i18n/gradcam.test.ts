import { describe, expect, it } from 'vitest';
import { gradcamResources } from './gradcam.ts';

function leafKeys(obj: object, prefix = ''): string[] {
  return Object.entries(obj).flatMap(([k, v]) =>
    typeof v === 'object' && v !== null ? leafKeys(v as object, `${prefix}${k}.`) : [`${prefix}${k}`],
  );
}

describe('gradcam texts', () => {
  it('has the same keys and placeholders in English and Spanish', () => {
    expect(leafKeys(gradcamResources.es).sort()).toEqual(leafKeys(gradcamResources.en).sort());
    const placeholders = (s: string) => (s.match(/\{\{\w+\}\}/g) ?? []).sort();
    for (const k of Object.keys(gradcamResources.en.gradcam) as (keyof typeof gradcamResources.en.gradcam)[]) {
      expect(placeholders(gradcamResources.es.gradcam[k])).toEqual(placeholders(gradcamResources.en.gradcam[k]));
    }
  });
});
