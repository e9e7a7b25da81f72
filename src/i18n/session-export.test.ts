import { describe, expect, it } from 'vitest';
import { exportResources } from './session-export.ts';

function leaves(obj: object, prefix = ''): [string, string][] {
  return Object.entries(obj).flatMap(([k, v]) =>
    typeof v === 'object' && v !== null ? leaves(v as object, `${prefix}${k}.`) : [[`${prefix}${k}`, String(v)] as [string, string]],
  );
}

describe('export and report texts', () => {
  it('have the same keys and placeholders in English and Spanish', () => {
    const en = new Map(leaves(exportResources.en));
    const es = new Map(leaves(exportResources.es));
    expect([...es.keys()].sort()).toEqual([...en.keys()].sort());
    const placeholders = (s: string) => (s.match(/\{\{\w+\}\}/g) ?? []).sort();
    for (const [k, v] of en) expect(placeholders(es.get(k) ?? '')).toEqual(placeholders(v));
  });
});
