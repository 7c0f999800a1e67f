import { describe, expect, it } from 'vitest';
import {
  type DeclaredItem,
  declaredToMarketRatio,
  type MarketObservation,
  pricesFlagsQuerySchema,
  pricesFlagsResponse,
  quantile,
  valuationFlags,
} from '../../../shared/prices/index.ts';

const obs = (price: number, over: Partial<MarketObservation> = {}): MarketObservation => ({
  date: '2024-03-01',
  url: `https://shop.example/p/${price}`,
  price: String(price / 100),
  currency: 'EUR',
  convertedPrice: price,
  productKey: null,
  hsCode: '851671',
  ...over,
});
const item = (
  id: string,
  value: number,
  quantity: number,
  over: Partial<DeclaredItem> = {},
): DeclaredItem => ({
  declarationId: id,
  itemNumber: 1,
  date: '2024-03-10',
  hsCode: '85167100',
  quantity,
  cifValue: value,
  ...over,
});
// Market (national currency): 1000..1900 per kettle.
const market = Array.from({ length: 10 }, (_, i) => obs(1000 + i * 100));

describe('valuation cross-check', () => {
  it('computes type-7 quantiles', () => {
    expect(quantile([1, 2, 3, 4], 0.5)).toBe(2.5);
    expect(quantile([10], 0.1)).toBe(10);
    expect(quantile([0, 10], 0.1)).toBe(1);
  });

  it('flags unit values below fraction × low quantile, with evidence, by HS6', () => {
    const r = valuationFlags([item('D1', 4000, 10), item('D2', 9000, 10), item('D3', 100, 0)], market, {
      fraction: 0.5,
    });
    expect(r).toMatchObject({ checked: 2, unmatched: 0, noUnitValue: 1 });
    expect(r.flags).toHaveLength(1);
    const f = r.flags[0];
    expect(f).toMatchObject({
      declarationId: 'D1',
      declaredUnitValue: 400,
      threshold: 545,
      market: { matchedBy: 'hs6', n: 10, median: 1450 },
    });
    expect(f.ratio).toBeCloseTo(400 / 1450, 4);
    expect(f.evidence[0]).toEqual({
      url: 'https://shop.example/p/1000',
      date: '2024-03-01',
      price: '10',
      currency: 'EUR',
      convertedPrice: 1000,
    });
  });

  it('prefers product-key matches, respects the date window and the minimum number of observations', () => {
    const keyed = [obs(50, { productKey: 'k' }), obs(60, { productKey: 'k' }), obs(70, { productKey: 'k' })];
    const r = valuationFlags([item('D1', 400, 10, { productKey: 'k' })], [...market, ...keyed], {
      fraction: 0.5,
    });
    expect(r.flags).toHaveLength(0); // 40 ≥ 0.5 × q10(50,60,70) = 26
    const old = valuationFlags([item('D1', 400, 10, { date: '2026-01-01' })], market, { windowDays: 30 });
    expect(old).toMatchObject({ checked: 0, unmatched: 1 });
    const few = valuationFlags([item('D1', 400, 10)], market.slice(0, 2), { minObservations: 3 });
    expect(few.unmatched).toBe(1);
  });

  it('ignores observations without a converted price', () => {
    const r = valuationFlags(
      [item('D1', 10, 10)],
      [...market.slice(0, 2), obs(0, { convertedPrice: null })],
      { minObservations: 3 },
    );
    expect(r.unmatched).toBe(1);
  });

  it('gives the declared/market ratio feature for the fraud model', () => {
    const f = declaredToMarketRatio([item('D1', 14500, 10), item('D2', 1, 1, { hsCode: '010101' })], market);
    expect(f.get('D1#1')).toBe(1);
    expect(f.get('D2#1')).toBeNull();
  });

  it('answers GET /v1/prices/flags with filters, settings and counts', () => {
    const q = pricesFlagsQuerySchema.parse({ hsPrefix: '8516', fraction: '0.5', limit: '1' });
    const body = pricesFlagsResponse(
      [item('D1', 4000, 10), item('D2', 3000, 10), item('D3', 1, 1, { hsCode: '010101' })],
      market,
      q,
    );
    expect(body).toMatchObject({
      declarations: 2,
      checked: 2,
      flagged: 2,
      settings: { fraction: 0.5, lowQuantile: 0.1 },
    });
    expect(body.flags.map((f) => f.declarationId)).toEqual(['D2']);
    expect(() => pricesFlagsQuerySchema.parse({ admin: 'x' })).toThrow();
  });
});
