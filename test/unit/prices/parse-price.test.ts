import { describe, expect, it } from 'vitest';
import { normalizeCurrency } from '../../../shared/prices/currency.ts';
import { parseNumberToken, parsePrice, parseStructuredPrice } from '../../../shared/prices/parse-price.ts';

describe('parsePrice across locales', () => {
  it.each([
    ['1.234,56 €', '1234.56', 'EUR'],
    ['$1,234.56', '1234.56', 'USD'],
    ["CHF 1'234.50", '1234.50', 'CHF'],
    ['CHF 1’234.50', '1234.50', 'CHF'],
    ['₹1,23,456', '123456', 'INR'],
    ['R$ 99,90', '99.90', 'BRL'],
    ['129,-', '129', null],
    ['129,– €', '129', 'EUR'],
    ['1 234,56 €', '1234.56', 'EUR'],
    ['1\u00a0234,56\u00a0€', '1234.56', 'EUR'],
    ['1\u202f234,56 €', '1234.56', 'EUR'],
    ['£12.99', '12.99', 'GBP'],
    ['12,99 zł', '12.99', 'PLN'],
    ['1 299 Kč', '1299', 'CZK'],
    ['EUR 49.00', '49', 'EUR'],
    ['99.95 EUR', '99.95', 'EUR'],
    ['¥12,800', '12800', 'JPY'],
    ['US$ 5.00', '5', 'USD'],
    ['44 890 тг.', '44890', 'KZT'],
    ['0.500 €', '0.500', 'EUR'],
  ])('%s → %s %s', (text, amount, currency) => {
    expect(parsePrice(text)).toEqual({ amount, currency });
  });

  it('prefers the number next to the currency', () => {
    expect(parsePrice('Save 20% now £12.99')?.amount).toBe('12.99');
    expect(parsePrice('2 for £5')?.amount).toBe('5');
  });

  it('reads "1.234" as grouping unless the currency has three decimals or the page says otherwise', () => {
    expect(parseNumberToken('1.234')).toBe('1234');
    expect(parseNumberToken('34.000', { currency: 'KWD' })).toBe('34');
    expect(parseNumberToken('1,234', { decimalHint: ',' })).toBe('1.234');
  });

  it('returns null when there is no number', () => {
    expect(parsePrice('Price on request')).toBeNull();
    expect(parsePrice('')).toBeNull();
    expect(parsePrice(null)).toBeNull();
  });

  it('parses machine-readable structured prices', () => {
    expect(parseStructuredPrice('1234.50')).toBe('1234.50');
    expect(parseStructuredPrice(99)).toBe('99');
    expect(parseStructuredPrice(19.9)).toBe('19.9');
    expect(parseStructuredPrice('1,234.50')).toBe('1234.50');
    expect(parseStructuredPrice('12,50')).toBe('12.50');
    expect(parseStructuredPrice({})).toBeNull();
  });
});

describe('normalizeCurrency', () => {
  it.each([
    ['eur', null, 'EUR'],
    ['€', null, 'EUR'],
    ['$', null, 'USD'],
    ['$', 'CAD', 'CAD'],
    ['kr', 'NOK', 'NOK'],
    ['Rs', 'PKR', 'PKR'],
    ['Rs.', null, 'INR'],
    ['R$', null, 'BRL'],
    ['ر.س', null, 'SAR'],
    ['Lei', null, 'RON'],
    ['Kn', null, 'HRK'],
    ['RMB', null, 'CNY'],
    ['元', 'TWD', 'TWD'],
    ['XYZ', null, null],
    ['', null, null],
  ])('%s (local %s) → %s', (raw, local, iso) => {
    expect(normalizeCurrency(raw, local)).toBe(iso);
  });
});
