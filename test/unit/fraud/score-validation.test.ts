import { describe, expect, it } from 'vitest';
import {
  parseScoreRequest,
  parseValidDeclaration,
  ScoreDeclarationSchema,
} from '../../../shared/fraud/score.ts';

const valid = {
  declarationId: 'D-1',
  itemNumber: 2,
  date: '2024-02-29',
  hsCode: '870323',
  officeId: 'OF1',
  importerId: 17,
  declarantId: '',
  sellerId: null,
  quantity: 3,
  weightKg: 0,
  fobValue: 100.5,
  cifValue: 120,
  taxRate: 8,
  totalTaxes: null,
  processType: 'A',
  unknownField: 'ignored',
};

/** Variants of the valid declaration: the fast path must agree with the zod schema on every one. */
const variants: unknown[] = [
  valid,
  { declarationId: 7, date: '2021-01-01', hsCode: 123456 },
  { declarationId: 'x', date: '2021-01-01', hsCode: '123456789012', itemNumber: null },
  { ...valid, declarationId: '' },
  { ...valid, declarationId: null },
  { ...valid, declarationId: Number.NaN },
  { ...valid, itemNumber: 0 },
  { ...valid, itemNumber: 1.5 },
  { ...valid, itemNumber: 2 ** 60 },
  { ...valid, itemNumber: '2' },
  { ...valid, date: '2021-02-30' },
  { ...valid, date: '2021-2-3' },
  { ...valid, date: 20210203 },
  { ...valid, hsCode: '12345' },
  { ...valid, hsCode: '12345a' },
  { ...valid, hsCode: 1e21 },
  { ...valid, hsCode: null },
  { ...valid, cifValue: -1 },
  { ...valid, cifValue: -0 },
  { ...valid, cifValue: Number.POSITIVE_INFINITY },
  { ...valid, cifValue: Number.NaN },
  { ...valid, cifValue: '12' },
  { ...valid, originCountry: true },
  { ...valid, originCountry: 840 },
  { ...valid, originCountry: Number.POSITIVE_INFINITY },
  { ...valid, taxType: {} },
  null,
  [],
  'D-1',
];

describe('parseValidDeclaration (the fast path of parseScoreRequest)', () => {
  it.each(variants.map((v, i) => [i, v]))('agrees with ScoreDeclarationSchema on variant %i', (_i, raw) => {
    const fast = parseValidDeclaration(raw);
    const zod = ScoreDeclarationSchema.safeParse(raw);
    if (fast === null) {
      // Declined rows go to zod; every row zod rejects must be declined.
      if (zod.success) expect.fail('fast path declined a row zod accepts (allowed, but not expected here)');
      return;
    }
    expect(zod.success).toBe(true);
    const expected = { ...zod.data, illicit: null, revenue: null };
    expect(fast).toStrictEqual(expected);
    expect(Object.keys(fast)).toEqual(Object.keys(expected));
  });

  it('keeps zod messages for invalid rows', () => {
    expect(() => parseScoreRequest([valid, { ...valid, cifValue: -1 }])).toThrow(
      /declarations\[1\]\.cifValue: must not be negative/,
    );
  });
});
