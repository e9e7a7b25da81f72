/** JSON files the code under test wrote, read back as the shape the test expects. */
import { readFile } from 'node:fs/promises';

export async function readJson<T>(path: string): Promise<T> {
  return JSON.parse(await readFile(path, 'utf8')) as T;
}
