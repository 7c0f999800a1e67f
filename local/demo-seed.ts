import { mkdir, rename } from 'node:fs/promises';
import { join } from 'node:path';
import { writeDemoFile } from '../shared/demo/write-demo-file.ts';

/** Two fictional administrations (ISO 3166 reserves X-codes for user-assigned use). */
export const DEMO_ADMINISTRATIONS = ['XAA', 'XBB'] as const;

/** Two years of history: the least the seasonal forecasting models can work with. */
export const DEMO_YEARS = [2012, 2013] as const;

export interface DemoFile {
  admin: string;
  year: number;
  seed: number;
  rows: number;
  firstId: number;
  /** Keeps a space and a '+', so every local start exercises S3's key encoding. */
  fileName: string;
}

/** The demo declaration files for some administrations: one per year, ids never reused across years. */
export function demoFilePlan(admins: readonly string[], rowsPerAdmin: number): DemoFile[] {
  const rows = Math.ceil(rowsPerAdmin / DEMO_YEARS.length);
  return admins.flatMap((admin, i) =>
    DEMO_YEARS.map((year, j) => ({
      admin,
      year,
      seed: 1000 + 10 * i + j,
      rows,
      firstId: 1 + j * rows,
      fileName: `demo declarations ${year}+part 1.csv`,
    })),
  );
}

/**
 * Writes the demo declaration files into the uploads area, where the upload watcher picks them up like
 * any other upload.
 */
export async function seedDemoUploads(
  root: string,
  rowsPerAdmin: number,
  log: (s: string) => void,
): Promise<string[]> {
  const keys: string[] = [];
  for (const file of demoFilePlan(DEMO_ADMINISTRATIONS, rowsPerAdmin)) {
    const dir = join(root, 'uploads', file.admin, 'declarations');
    await mkdir(dir, { recursive: true });
    // Written under a .tmp- name and renamed, so the watcher never sees half a file.
    const tmp = join(dir, `${file.fileName}.tmp-seed`);
    await writeDemoFile(tmp, { rows: file.rows, seed: file.seed, year: file.year, firstId: file.firstId });
    await rename(tmp, join(dir, file.fileName));
    keys.push(`uploads/${file.admin}/declarations/${file.fileName}`);
    log(`demo: wrote ${file.rows} declarations of ${file.year} for ${file.admin}`);
  }
  return keys;
}
