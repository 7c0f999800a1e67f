import { mkdir, rename } from 'node:fs/promises';
import { join } from 'node:path';
import { writeDemoFile } from '../shared/demo/write-demo-file.ts';

/** Two fictional administrations (ISO 3166 reserves X-codes for user-assigned use). */
export const DEMO_ADMINISTRATIONS = ['XAA', 'XBB'] as const;

/**
 * Writes one demo declarations file per demo administration into the uploads area, where the upload
 * watcher picks them up like any other upload.
 */
export async function seedDemoUploads(
  root: string,
  rows: number,
  log: (s: string) => void,
): Promise<string[]> {
  const keys: string[] = [];
  for (const [i, admin] of DEMO_ADMINISTRATIONS.entries()) {
    const dir = join(root, 'uploads', admin, 'declarations');
    await mkdir(dir, { recursive: true });
    // Written under a .tmp- name and renamed, so the watcher never sees half a file. The name keeps a space
    // and a '+', so every local start exercises S3's key encoding.
    const name = `demo declarations 2013 part+1.csv`;
    const tmp = join(dir, `${name}.tmp-seed`);
    await writeDemoFile(tmp, { rows, seed: 1000 + i, year: 2013 });
    await rename(tmp, join(dir, name));
    keys.push(`uploads/${admin}/declarations/${name}`);
    log(`demo: wrote ${rows} declarations for ${admin}`);
  }
  return keys;
}
