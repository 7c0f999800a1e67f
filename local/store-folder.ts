import { mkdir, readFile, stat, writeFile } from 'node:fs/promises';
import { join, resolve } from 'node:path';

/** Marks a folder as a bacuda store, so a wrong --store (or a damaged one) is caught before anything is written. */
const MARKER = '.bacuda-store.json';
const STORE_VERSION = 1;

export class StoreFolderError extends Error {}

export const DEFAULT_STORE_DIR = '.bacuda';

/** Opens (creating if needed) a local store folder and returns its absolute path and whether it is new. */
export async function openStoreFolder(dir: string): Promise<{ root: string; created: boolean }> {
  const root = resolve(dir);
  let isNew = false;
  try {
    const s = await stat(root);
    if (!s.isDirectory()) throw new StoreFolderError(`store ${root} exists but is not a folder`);
  } catch (err) {
    if (err instanceof StoreFolderError) throw err;
    if ((err as NodeJS.ErrnoException).code !== 'ENOENT')
      throw new StoreFolderError(`store ${root} cannot be read: ${(err as Error).message}`);
    await mkdir(root, { recursive: true });
    isNew = true;
  }
  const markerPath = join(root, MARKER);
  let raw: string | undefined;
  try {
    raw = await readFile(markerPath, 'utf8');
  } catch (err) {
    const code = (err as NodeJS.ErrnoException).code;
    if (code !== 'ENOENT')
      throw new StoreFolderError(`store ${root} is corrupt: ${MARKER} cannot be read (${code})`);
  }
  if (raw === undefined) {
    await writeFile(
      markerPath,
      JSON.stringify({ version: STORE_VERSION, created: new Date().toISOString() }, null, 2),
    );
    return { root, created: true };
  }
  let marker: { version?: unknown };
  try {
    marker = JSON.parse(raw);
  } catch {
    throw new StoreFolderError(
      `store ${root} is corrupt: ${MARKER} is not valid JSON; move the folder away or pass another --store`,
    );
  }
  if (marker.version !== STORE_VERSION)
    throw new StoreFolderError(
      `store ${root} has version ${String(marker.version)}, this bacuda expects ${STORE_VERSION}`,
    );
  return { root, created: isNew };
}
