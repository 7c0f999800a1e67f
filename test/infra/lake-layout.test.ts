import { describe, expect, it } from 'vitest';
import { AREA_LOCATION } from '../../cdk/constructs/lake-refs.ts';
import { LAKE_LAYOUT, type LakeDataBucket } from '../../shared/adapters/lake-layout.ts';

describe('lake layout', () => {
  it('grants areas that cover exactly the prefixes the Lambdas route to each data bucket', () => {
    for (const bucket of Object.keys(LAKE_LAYOUT) as LakeDataBucket[]) {
      const granted = Object.values(AREA_LOCATION)
        .filter((a) => a.bucket === bucket)
        .flatMap((a) => a.prefixes);
      expect([...granted].sort(), bucket).toEqual(LAKE_LAYOUT[bucket].map((s) => `${s}/`).sort());
    }
  });

  it('routes each top-level segment to one bucket only', () => {
    const all = Object.values(LAKE_LAYOUT).flat();
    expect(new Set(all).size).toBe(all.length);
  });
});
