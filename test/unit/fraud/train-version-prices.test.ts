import { mkdtemp, rm, writeFile } from 'node:fs/promises';
import { tmpdir } from 'node:os';
import { join } from 'node:path';
import { describe, expect, it } from 'vitest';
import { type Declaration, readDeclarationsFile } from '../../../shared/declarations/index.ts';
import { generateWcoSyntheticLines } from '../../../shared/demo/wco-synthetic.ts';
import { trainModelVersion } from '../../../shared/fraud-training/train-version.ts';

async function demoDeclarations(rows: number): Promise<Declaration[]> {
  const dir = await mkdtemp(join(tmpdir(), 'bacuda-tv-'));
  try {
    const file = join(dir, 'd.csv');
    await writeFile(file, `${[...generateWcoSyntheticLines({ rows, seed: 3 })].join('\n')}\n`);
    const out: Declaration[] = [];
    for await (const row of readDeclarationsFile(file)) if (row.declaration) out.push(row.declaration);
    return out;
  } finally {
    await rm(dir, { recursive: true, force: true });
  }
}

describe('trainModelVersion with market prices', () => {
  it('learns the market price per HS6 from crawled observations, and none without them', async () => {
    const decls = await demoDeclarations(500);
    const hs6 = decls[0].hsCode.slice(0, 6);
    const prices = [100, 120, 140].map((unitPrice) => ({ hsCode: hs6, unit: 'item' as const, unitPrice }));
    const forest = { nEstimators: 5, workers: 0 };
    const withPrices = await trainModelVersion(decls, [], { forest, prices });
    expect(withPrices.model.profile.marketPrices[`${hs6}|item`]).toBe(120);
    const without = await trainModelVersion(decls, [], { forest });
    expect(without.model.profile.marketPrices).toEqual({});
  });
});
