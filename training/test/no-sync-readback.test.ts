/**
 * Lint-level guard: no synchronous tensor read-back (`dataSync()` / `arraySync()`) on the trainer's
 * paths. The trainer runs on WebGPU in Node (the `webgpu` package, Dawn), where there is no
 * OffscreenCanvas and tfjs's synchronous reads throw; only `await data()` / `await array()` work
 * (and give the same values on wasm/cpu).
 *
 * Scanned: training/src and training/scripts, src/core, src/teach/fine-tune.ts (the app's Teach
 * worker runs the trainer through it), and every file those import, followed transitively (so
 * src/inference/* and src/teach/head-trainer.ts as far as the trainer reaches them). Tests are not
 * scanned. Files are parsed with the TypeScript compiler, so comments and strings never count.
 */
import { existsSync, readdirSync, readFileSync } from 'node:fs';
import { dirname, join, relative, resolve } from 'node:path';
import { fileURLToPath } from 'node:url';
import ts from 'typescript';
import { describe, expect, it } from 'vitest';

const REPO = resolve(dirname(fileURLToPath(import.meta.url)), '../..');
const ROOTS = ['training/src', 'training/scripts', 'src/core', 'src/teach/fine-tune.ts'];
const SYNC_READS = new Set(['dataSync', 'arraySync']);

/** Sync reads that are fine where they are: repo-relative file, the enclosing named function, why. */
const ALLOWED: ReadonlyArray<{ file: string; fn: string; reason: string }> = [
  {
    file: 'src/teach/head-trainer.ts',
    fn: 'headProbabilities',
    reason:
      "runs in the browser's teach worker (and on wasm/cpu in scripts), where OffscreenCanvas exists; the trainer's paths never call it",
  },
];

interface Hit {
  file: string;
  line: number;
  fn: string;
  text: string;
}

function isTestFile(path: string): boolean {
  return /\.test\.tsx?$/.test(path);
}

function listTs(path: string): string[] {
  const abs = join(REPO, path);
  if (!existsSync(abs)) return [];
  if (!abs.endsWith('.ts') && !abs.endsWith('.tsx')) {
    return readdirSync(abs, { withFileTypes: true, recursive: true })
      .filter((d) => d.isFile() && /\.tsx?$/.test(d.name) && !d.parentPath.includes('node_modules'))
      .map((d) => join(d.parentPath, d.name));
  }
  return [abs];
}

/** Relative module specifiers of a file: static imports/exports and import(). */
function relativeImports(sf: ts.SourceFile): string[] {
  const out: string[] = [];
  const visit = (node: ts.Node): void => {
    if ((ts.isImportDeclaration(node) || ts.isExportDeclaration(node)) && node.moduleSpecifier && ts.isStringLiteral(node.moduleSpecifier))
      out.push(node.moduleSpecifier.text);
    else if (
      ts.isCallExpression(node) &&
      node.expression.kind === ts.SyntaxKind.ImportKeyword &&
      node.arguments.length > 0 &&
      ts.isStringLiteral(node.arguments[0])
    )
      out.push(node.arguments[0].text);
    ts.forEachChild(node, visit);
  };
  visit(sf);
  return out.filter((s) => s.startsWith('.'));
}

function functionName(node: ts.Node): string | undefined {
  if ((ts.isFunctionDeclaration(node) || ts.isMethodDeclaration(node)) && node.name) return node.name.getText();
  if ((ts.isArrowFunction(node) || ts.isFunctionExpression(node)) && ts.isVariableDeclaration(node.parent))
    return node.parent.name.getText();
  return undefined;
}

/** Every `x.dataSync` / `x.arraySync` (called or not) and `x['dataSync']` in a source text. */
function findSyncReads(file: string, source: string): Hit[] {
  const sf = ts.createSourceFile(file, source, ts.ScriptTarget.Latest, true);
  const hits: Hit[] = [];
  const names: string[] = [];
  const visit = (node: ts.Node): void => {
    const name = functionName(node);
    if (name) names.push(name);
    let member: string | undefined;
    if (ts.isPropertyAccessExpression(node)) member = node.name.text;
    else if (ts.isElementAccessExpression(node) && ts.isStringLiteralLike(node.argumentExpression)) member = node.argumentExpression.text;
    if (member !== undefined && SYNC_READS.has(member)) {
      const { line } = sf.getLineAndCharacterOfPosition(node.getStart(sf));
      hits.push({ file, line: line + 1, fn: names[names.length - 1] ?? '(top level)', text: source.split('\n')[line].trim() });
    }
    ts.forEachChild(node, visit);
    if (name) names.pop();
  };
  visit(sf);
  return hits;
}

/** The scanned files (repo-relative) and their sync reads. */
function scan(): { files: string[]; hits: Hit[] } {
  const seen = new Set<string>();
  const queue = ROOTS.flatMap(listTs).filter((f) => !isTestFile(f));
  const hits: Hit[] = [];
  while (queue.length > 0) {
    const abs = queue.pop() as string;
    if (seen.has(abs)) continue;
    seen.add(abs);
    const source = readFileSync(abs, 'utf8');
    const rel = relative(REPO, abs).split('\\').join('/');
    hits.push(...findSyncReads(rel, source));
    const sf = ts.createSourceFile(abs, source, ts.ScriptTarget.Latest, false);
    for (const spec of relativeImports(sf)) {
      const target = resolve(dirname(abs), spec);
      if (/\.tsx?$/.test(target) && existsSync(target) && !isTestFile(target) && !target.includes('node_modules')) queue.push(target);
    }
  }
  return { files: [...seen].map((f) => relative(REPO, f).split('\\').join('/')).sort(), hits };
}

describe('no synchronous tensor read-back on the trainer paths (WebGPU in Node cannot dataSync)', () => {
  it('finds reads in code, not in comments or strings', () => {
    const src = [
      '// t.dataSync() in a comment',
      "const s = 'x.arraySync()';",
      'function f(t: Tensor) {',
      '  return t.dataSync();',
      '}',
      "const g = (t: Tensor) => t['arraySync']();",
    ].join('\n');
    expect(findSyncReads('sample.ts', src).map((h) => `${h.line} ${h.fn}`)).toEqual(['4 f', '6 g']);
  });

  const { files, hits } = scan();

  it('scans the trainer, the shared core, the Teach fine-tune path and what they import', () => {
    for (const f of [
      'training/src/schedule/trainer.ts',
      'training/src/schedule/predict.ts',
      'training/src/evaluate/ood-scores.ts',
      'src/core/familiarity.ts',
      'src/teach/fine-tune.ts',
      'src/teach/head-trainer.ts',
    ])
      expect(files).toContain(f);
  });

  it('has no dataSync()/arraySync() outside the allow-list', () => {
    const allowed = (h: Hit) => ALLOWED.some((a) => a.file === h.file && a.fn === h.fn);
    const bad = hits.filter((h) => !allowed(h)).map((h) => `${h.file}:${h.line} (in ${h.fn}): ${h.text}`);
    expect(
      bad,
      `synchronous read-back throws on the trainer's WebGPU backend in Node: use \`await t.data()\` / \`await t.array()\` ` +
        `(outside tf.tidy, disposing explicitly), or, for code that never runs on the trainer's paths, add it to ALLOWED in ` +
        `training/test/no-sync-readback.test.ts with the reason`,
    ).toEqual([]);
  });

  it('has no stale allow-list entries', () => {
    const stale = ALLOWED.filter((a) => !hits.some((h) => h.file === a.file && h.fn === a.fn)).map((a) => `${a.file} ${a.fn}`);
    expect(stale, 'these allow-list entries match no sync read any more: remove them').toEqual([]);
  });
});
