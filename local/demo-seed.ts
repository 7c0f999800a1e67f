import { mkdir, rename, writeFile } from 'node:fs/promises';
import { join } from 'node:path';
import { demoTariffLines, generateComtradeLines } from '../shared/demo/comtrade-synthetic.ts';
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
  // Mirror statistics and a national tariff, so the mirror and gap dashboards have something to show.
  for (const [i, admin] of DEMO_ADMINISTRATIONS.entries()) {
    const trade = [...generateComtradeLines({ seed: 2000 + i, years: [...DEMO_YEARS] })].join('\n');
    keys.push(await dropUpload(root, admin, 'trade', 'comtrade demo.csv', `${trade}\n`));
    const tariffs = demoTariffLines(`${DEMO_YEARS[0]}-01-01`).join('\n');
    keys.push(await dropUpload(root, admin, 'tariffs', 'tariff schedule.csv', `${tariffs}\n`));
    log(`demo: wrote trade statistics and a tariff schedule for ${admin}`);
  }
  return keys;
}

/** Writes a small upload under a .tmp- name and renames it into place, as a finished upload appears. */
async function dropUpload(
  root: string,
  admin: string,
  dataset: string,
  name: string,
  body: string,
): Promise<string> {
  const dir = join(root, 'uploads', admin, dataset);
  await mkdir(dir, { recursive: true });
  await writeFile(join(dir, `${name}.tmp-seed`), body);
  await rename(join(dir, `${name}.tmp-seed`), join(dir, name));
  return `uploads/${admin}/${dataset}/${name}`;
}
