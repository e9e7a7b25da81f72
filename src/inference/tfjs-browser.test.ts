import { readdirSync, readFileSync } from 'node:fs';
import { join } from 'node:path';
import { describe, expect, it } from 'vitest';
import * as umbrella from '@tensorflow/tfjs';
import * as browser from './tfjs-browser.ts';

const SRC = join(import.meta.dirname, '..');

function sourceFiles(dir: string): string[] {
  return readdirSync(dir, { withFileTypes: true }).flatMap((e) => {
    const path = join(dir, e.name);
    if (e.isDirectory()) return sourceFiles(path);
    return /\.tsx?$/.test(e.name) && !/\.test(-helpers)?\.tsx?$/.test(e.name) ? [path] : [];
  });
}

/** `tf.name` members read by the app's code that imports tfjs as `tf`. */
function membersUsed(): Map<string, string> {
  const used = new Map<string, string>();
  for (const file of sourceFiles(SRC)) {
    const text = readFileSync(file, 'utf8');
    if (!/import \* as tf from '@tensorflow\/tfjs';/.test(text)) continue;
    for (const m of text.matchAll(/\btf\.([A-Za-z_$][\w$]*)/g)) used.set(m[1], file);
  }
  return used;
}

describe('the browser build of tfjs (tfjs-browser.ts, aliased by vite.config.ts)', () => {
  it('has every tfjs export the app uses: none of them comes only from what it leaves out (WebGL, converter, data)', () => {
    const used = membersUsed();
    expect(used.size).toBeGreaterThan(20); // the scan found the app's tfjs code
    const leftOut = new Set(Object.keys(umbrella).filter((k) => !(k in browser)));
    expect(leftOut.has('loadGraphModel')).toBe(true); // what the check tells apart
    const missing = [...used].filter(([name]) => leftOut.has(name)).map(([name, file]) => `tf.${name} (${file})`);
    expect(missing).toEqual([]);
  });
});
