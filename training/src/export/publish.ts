/**
 * Puts an export into its folder without ever leaving it half-written: everything is written into
 * a sibling `<dir>.partial-*` folder first, then swapped in by renames. An existing folder is only
 * replaced when it holds nothing but a previous export, so a mistyped --export cannot delete work.
 */
import { copyFile, mkdir, readdir, readFile, rename, rm, stat } from 'node:fs/promises';
import { basename, dirname, join, resolve } from 'node:path';

const EXPORT_FILE = /^(model\.json|metadata\.json|group\d+-shard\d+of\d+\.bin)$/;

/** The weight files an existing model.json names (a previous export may use other shard names). */
async function manifestPaths(dir: string): Promise<Set<string>> {
  try {
    const json = JSON.parse(await readFile(join(dir, 'model.json'), 'utf8')) as { weightsManifest?: Array<{ paths?: string[] }> };
    return new Set((json.weightsManifest ?? []).flatMap((g) => g.paths ?? []));
  } catch {
    return new Set();
  }
}

async function existingEntries(dir: string): Promise<string[] | undefined> {
  try {
    const s = await stat(dir);
    if (!s.isDirectory()) throw new Error(`--export ${dir} is a file, not a folder.`);
  } catch (err) {
    if ((err as NodeJS.ErrnoException).code === 'ENOENT') return undefined;
    throw err;
  }
  return readdir(dir);
}

export async function publishExport(target: string, write: (folder: string) => Promise<void>): Promise<void> {
  const dir = resolve(target);
  const entries = await existingEntries(dir);
  const named = entries ? await manifestPaths(dir) : new Set<string>();
  // Dotfiles (.gitkeep, ...) are kept: copied into the new folder before the swap.
  const dotfiles = entries?.filter((f) => f.startsWith('.')) ?? [];
  const foreign = entries?.filter((f) => !EXPORT_FILE.test(f) && !named.has(f) && !f.startsWith('.')) ?? [];
  if (foreign.length) {
    throw new Error(
      `--export ${dir} already holds files that are not a model export (${foreign.slice(0, 5).join(', ')}${foreign.length > 5 ? ', ...' : ''}); ` +
        'choose an empty folder or one holding only a previous export.',
    );
  }
  const tag = `${process.pid}-${Date.now()}`;
  const partial = join(dirname(dir), `.${basename(dir)}.partial-${tag}`);
  await mkdir(dirname(dir), { recursive: true });
  await rm(partial, { recursive: true, force: true });
  await mkdir(partial);
  try {
    await write(partial);
    const written = new Set(await readdir(partial));
    for (const f of dotfiles) if (!written.has(f)) await copyFile(join(dir, f), join(partial, f));
  } catch (err) {
    await rm(partial, { recursive: true, force: true });
    throw err;
  }
  if (entries) {
    const previous = join(dirname(dir), `.${basename(dir)}.previous-${tag}`);
    await rename(dir, previous);
    await rename(partial, dir);
    await rm(previous, { recursive: true, force: true });
  } else {
    await rename(partial, dir);
  }
}
