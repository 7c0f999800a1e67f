import { describe, expect, it } from 'vitest';
import { FeatureSpace } from '../../../shared/fraud/features.ts';
import { makeDeclarations } from './fixtures.ts';

describe('fraud features', () => {
  const train = makeDeclarations(400, 1);
  const groups = ['entityRisk', 'productRisk', 'firstSeen', 'unitValues', 'marketPrice'] as const;

  it("never lets a training row's own label into its risk encodings", () => {
    const space = FeatureSpace.fit(train, { groups });
    const col = space.featureNames.indexOf('importer.fraudRate');
    const x = space.transformTraining(train, { groups, folds: 5, seed: 1 });
    // Flip row 0's label (and, to keep the global prior fixed, the opposite label of a row of another
    // importer): with out-of-fold encoding row 0's own features must not move.
    const other = train.findIndex(
      (d) => d.importerId !== train[0].importerId && d.illicit !== train[0].illicit,
    );
    const flip = (d: (typeof train)[number]) => ({ ...d, illicit: (1 - (d.illicit as number)) as 0 | 1 });
    const flipped = train.map((d, i) => (i === 0 || i === other ? flip(d) : d));
    const x2 = FeatureSpace.fit(flipped, { groups }).transformTraining(flipped, {
      groups,
      folds: 5,
      seed: 1,
    });
    expect(x2[col]).toBe(x[col]);
    // ...and with 'past' encoding, the first day's rows see no history at all.
    const past = space.transformTraining(train, { groups, trainingEncoding: 'past' });
    expect(past[col]).toBe(space.profile.prior);
  });

  it('falls back to the prior and flags first-seen entities for unseen categories', () => {
    const space = FeatureSpace.fit(train, { groups });
    const d = { ...makeDeclarations(1, 2)[0], importerId: 'NEVER-SEEN', hsCode: '999999' };
    const x = space.transform([d]);
    const at = (name: string) => x[space.featureNames.indexOf(name)];
    expect(at('importer.fraudRate')).toBe(space.profile.prior);
    expect(at('importer.firstSeen')).toBe(1);
    expect(at('hs6.firstSeen')).toBe(1);
    expect(Number.isNaN(at('logDeclaredVsMarketPrice'))).toBe(true);
  });

  it('measures unit values against the HS6 median and market prices when given', () => {
    const prices = [{ hsCode: '440890', unit: 'kg' as const, unitPrice: 100 }];
    const space = FeatureSpace.fit(train, { groups, prices });
    const d = { ...train[0], hsCode: '440890', cifValue: 5000, weightKg: 100 };
    const x = space.transform([d]);
    const at = (name: string) => x[space.featureNames.indexOf(name)];
    expect(at('logValuePerKg')).toBeCloseTo(Math.log(50), 12);
    expect(at('logDeclaredVsMarketPrice')).toBeCloseTo(Math.log(0.5), 12);
    expect(at('logValuePerKgVsHs6Median')).toBeCloseTo(
      Math.log(50) - space.profile.medians.kg.hs6['440890'],
      12,
    );
  });

  it('round-trips through its JSON profile', () => {
    const space = FeatureSpace.fit(train);
    const again = FeatureSpace.fromProfile(JSON.parse(JSON.stringify(space.profile)));
    const test = makeDeclarations(50, 9);
    expect(Array.from(again.transform(test))).toEqual(Array.from(space.transform(test)));
  });
});
