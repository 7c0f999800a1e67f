/** One price observed on one product page (docs/prices.md documents every column). */
export interface Observation {
  /** Day observed (YYYY-MM-DD): the `prices` dataset partitions on it. */
  date: string;
  /** ISO timestamp the page was fetched. */
  time: string;
  url: string;
  /** Decimal string as shown on the page. */
  price: string;
  currency: string | null;
  /** Price in the national currency (fx rate on or before `date`), null when no rate was available. */
  convertedPrice: number | null;
  localCurrency: string;
  /** Date of the fx rate used. */
  fxDate: string | null;
  productKey: string | null;
  hsCode: string | null;
  sku: string | null;
  gtin: string | null;
  brand: string | null;
  name: string | null;
  availability: string | null;
  /** Configured source id (the shop). */
  sourceId: string;
  /** Extraction method that found the price: json-ld, microdata, rdfa, meta or text. */
  extraction: string | null;
  snapshotKey: string;
}

/**
 * CSV columns of an observations upload. Names follow the ingest `bacuda-prices` layout where one exists
 * (date, price, currency, product_id, product, brand, hs_code, availability, source, url); the rest
 * (observed_at, converted_price, local_currency, fx_date, product_key, ...) carry the valuation evidence.
 */
export const OBSERVATION_COLUMNS = [
  'date',
  'observed_at',
  'url',
  'price',
  'currency',
  'converted_price',
  'local_currency',
  'fx_date',
  'product_key',
  'product_id',
  'hs_code',
  'sku',
  'gtin',
  'brand',
  'product',
  'availability',
  'source',
  'extraction',
  'snapshot_key',
] as const;

function cell(v: string | number | null): string {
  if (v === null) return '';
  const s = String(v);
  return /[",\r\n]/.test(s) ? `"${s.replace(/"/g, '""')}"` : s;
}

/** RFC 4180 CSV (hand-written: csv-stringify is not a dependency and quoting is a one-liner). */
export function observationsCsv(rows: readonly Observation[]): string {
  const lines = [OBSERVATION_COLUMNS.join(',')];
  for (const o of rows) {
    const values: (string | number | null)[] = [
      o.date,
      o.time,
      o.url,
      o.price,
      o.currency,
      o.convertedPrice,
      o.localCurrency,
      o.fxDate,
      o.productKey,
      o.productKey ?? o.sku,
      o.hsCode,
      o.sku,
      o.gtin,
      o.brand,
      o.name,
      o.availability,
      o.sourceId,
      o.extraction,
      o.snapshotKey,
    ];
    lines.push(values.map(cell).join(','));
  }
  return `${lines.join('\n')}\n`;
}
