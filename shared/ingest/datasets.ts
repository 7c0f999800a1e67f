import { resolve } from 'node:path';
import { DECLARATION_SCHEMA_VERSION } from '../declarations/canonical.ts';
import { DECLARATION_FIELD_DEFS } from '../declarations/fields.ts';
import { BUILTIN_DECLARATION_LAYOUTS } from '../declarations/layouts.ts';
import type { FieldDef, FieldKind } from './fields.ts';
import type { ColumnMapping } from './layout.ts';

/**
 * The one definition of every lake dataset: its canonical fields (with validation kinds), the layouts
 * recognised on upload, and how rows are partitioned. CDK's Glue tables, DuckDB's empty views and the
 * Parquet writer all derive their column types from here, so the cloud and local lakes cannot drift.
 */

export const DATASET_NAMES = ['declarations', 'trade', 'revenue', 'tariffs', 'fx', 'prices'] as const;
export type DatasetName = (typeof DATASET_NAMES)[number];

export interface DatasetDef {
  name: DatasetName;
  schemaVersion: number;
  summary: string;
  fields: readonly FieldDef[];
  layouts: readonly ColumnMapping[];
  /** How a valid row's year and month partition is found: from a date field, or year + month fields. */
  partitionBy: { date: string } | { year: string; month: string };
}

/** Year and month (0 for annual figures) a valid row (values in field order) is filed under. */
export function partitioner(dataset: DatasetDef): (values: unknown[]) => { year: number; month: number } {
  const at = (name: string) => {
    const i = dataset.fields.findIndex((f) => f.name === name);
    if (i < 0) throw new Error(`dataset ${dataset.name} has no field ${name}`);
    return i;
  };
  if ('date' in dataset.partitionBy) {
    const d = at(dataset.partitionBy.date);
    return (values) => {
      const iso = values[d] as string;
      return { year: Number(iso.slice(0, 4)), month: Number(iso.slice(5, 7)) };
    };
  }
  const y = at(dataset.partitionBy.year);
  const m = at(dataset.partitionBy.month);
  return (values) => ({ year: values[y] as number, month: (values[m] as number | null) ?? 0 });
}

export function isDatasetName(name: string): name is DatasetName {
  return (DATASET_NAMES as readonly string[]).includes(name);
}

/** Hive partition keys of every curated table, in folder order, with their Athena partition projection. */
// Field names must differ from these (Glue rejects a column named like a partition key), hence
// trade's and revenue's refYear/refMonth.
export const PARTITION_KEYS = [
  { name: 'administration', glueType: 'string', duckdbType: 'VARCHAR', projection: { type: 'injected' } },
  {
    name: 'year',
    glueType: 'int',
    duckdbType: 'BIGINT',
    projection: { type: 'integer', range: '1900,2100' },
  },
  {
    // month=00 holds annual figures (e.g. yearly trade statistics); 01..12 are calendar months.
    name: 'month',
    glueType: 'int',
    duckdbType: 'BIGINT',
    projection: { type: 'integer', range: '0,12', digits: '2' },
  },
] as const;

/** Where a dataset's curated Parquet lives under the store root or bucket. */
export function curatedPrefix(dataset: DatasetName, admin?: string): string {
  return admin ? `curated/${dataset}/administration=${admin}/` : `curated/${dataset}/`;
}

export function partitionPrefix(dataset: DatasetName, admin: string, year: number, month: number): string {
  return `${curatedPrefix(dataset, admin)}year=${year}/month=${String(month).padStart(2, '0')}/`;
}

export type StorageType = 'STRING' | 'INT32' | 'DOUBLE' | 'DATE';

const STORAGE: Record<FieldKind, StorageType> = {
  text: 'STRING',
  code: 'STRING',
  identifier: 'STRING',
  hs: 'STRING',
  country: 'STRING',
  currency: 'STRING',
  flow: 'STRING',
  count: 'INT32',
  flag: 'INT32',
  year: 'INT32',
  month: 'INT32',
  amount: 'DOUBLE',
  number: 'DOUBLE',
  date: 'DATE',
};

export function storageType(field: FieldDef): StorageType {
  return STORAGE[field.kind];
}

const GLUE: Record<StorageType, string> = { STRING: 'string', INT32: 'int', DOUBLE: 'double', DATE: 'date' };
const DUCKDB: Record<StorageType, string> = {
  STRING: 'VARCHAR',
  INT32: 'INTEGER',
  DOUBLE: 'DOUBLE',
  DATE: 'DATE',
};

/** Glue/Athena columns of a dataset (partition keys excluded), for CDK. */
export function glueColumns(dataset: DatasetName): { name: string; type: string; comment: string }[] {
  return DATASETS[dataset].fields.map((f) => ({ name: f.name, type: GLUE[storageType(f)], comment: f.doc }));
}

/** DuckDB DDL for the empty view used before any file exists, partition keys included. */
export function duckdbEmptySchema(dataset: DatasetName): string {
  const cols = DATASETS[dataset].fields.map((f) => `"${f.name}" ${DUCKDB[storageType(f)]}`);
  for (const k of PARTITION_KEYS) cols.push(`"${k.name}" ${k.duckdbType}`);
  return cols.join(', ');
}

/** The lake tables DuckDB exposes on one machine: one view per dataset over the store's curated/. */
export function localLakeTables(
  root: string,
): Record<string, { glob: string; emptySchema: string; hiveTypes: Record<string, string> }> {
  const base = resolve(root);
  // Partition keys typed as Glue declares them (DuckDB would read `month=01` as text).
  const hiveTypes = Object.fromEntries(
    PARTITION_KEYS.filter((k) => k.duckdbType !== 'VARCHAR').map((k) => [k.name, k.duckdbType]),
  );
  const tables: Record<string, { glob: string; emptySchema: string; hiveTypes: Record<string, string> }> = {};
  for (const name of DATASET_NAMES) {
    tables[name] = {
      glob: `${base}/curated/${name}/**/*.parquet`,
      emptySchema: duckdbEmptySchema(name),
      hiveTypes,
    };
  }
  return tables;
}

// ---------------------------------------------------------------------------------------------------
// trade: bilateral trade statistics for mirror analysis (Comtrade-style)

const TRADE_FIELDS: readonly FieldDef[] = [
  { name: 'refYear', kind: 'year', required: true, doc: 'Reference year.' },
  { name: 'refMonth', kind: 'month', doc: 'Reference month 1-12; empty for annual figures.' },
  {
    name: 'reporter',
    kind: 'country',
    required: true,
    // Numeric codes win where the upload has both: Comtrade leaves the ISO3 of some areas empty
    // (490 "Other Asia, nes", free zones), and mirror pairs must still match on them.
    doc: 'Reporting country: UN numeric code where the upload has one, else ISO3.',
  },
  { name: 'reporterIso', kind: 'code', doc: 'Reporting country ISO3, when the upload gives it.' },
  {
    name: 'partner',
    kind: 'country',
    required: true,
    doc: 'Partner country: UN numeric code where the upload has one, else ISO3 (0 or WLD = world).',
  },
  { name: 'partnerIso', kind: 'code', doc: 'Partner country ISO3, when the upload gives it.' },
  { name: 'flow', kind: 'flow', required: true, doc: 'import, export, re-export or re-import.' },
  { name: 'hsCode', kind: 'hs', required: true, minDigits: 2, doc: 'HS commodity code, digits only.' },
  { name: 'classification', kind: 'code', doc: 'HS edition (H2, H4, ...).' },
  { name: 'quantity', kind: 'amount', doc: 'Quantity in quantityUnit, ≥ 0.' },
  { name: 'quantityUnit', kind: 'code', doc: 'Quantity unit code or abbreviation.' },
  { name: 'netWeightKg', kind: 'amount', doc: 'Net weight in kg, ≥ 0.' },
  { name: 'tradeValueUsd', kind: 'amount', required: true, doc: 'Trade value in US dollars, ≥ 0.' },
];

const TRADE_LAYOUTS: ColumnMapping[] = [
  {
    name: 'comtrade-bulk',
    description:
      'UN Comtrade legacy bulk/API columns (year, flowcode, reportercode, partnercode, productcode, ...)',
    detect: ['year', 'flowcode', 'reportercode', 'partnercode', 'productcode', 'tradevalue'],
    columns: {
      refYear: 'year',
      refMonth: 'month',
      reporter: ['reportercode', 'reporteriso'],
      reporterIso: 'reporteriso',
      partner: ['partnercode', 'partneriso'],
      partnerIso: 'partneriso',
      flow: ['flowcode', 'flow'],
      hsCode: ['productcode', 'commoditycode'],
      classification: 'classification',
      quantity: 'quantity',
      quantityUnit: ['unitcode', 'unit'],
      netWeightKg: ['weight', 'netweight'],
      tradeValueUsd: 'tradevalue',
    },
  },
  {
    name: 'comtrade-plus',
    description:
      'UN Comtrade+ API columns (refYear, refMonth, reporterISO, partnerISO, flowCode, cmdCode, primaryValue, ...)',
    detect: ['refYear', 'flowCode', 'cmdCode', 'primaryValue'],
    columns: {
      refYear: 'refYear',
      refMonth: 'refMonth',
      reporter: ['reporterCode', 'reporterISO'],
      reporterIso: 'reporterISO',
      partner: ['partnerCode', 'partnerISO'],
      partnerIso: 'partnerISO',
      flow: 'flowCode',
      hsCode: 'cmdCode',
      classification: 'classificationCode',
      quantity: 'qty',
      quantityUnit: ['qtyUnitAbbr', 'qtyUnitCode'],
      netWeightKg: 'netWgt',
      tradeValueUsd: 'primaryValue',
    },
  },
  {
    name: 'bacuda-trade',
    description: 'Plain trade layout: year, month, reporter, partner, flow, hs_code, value_usd, ...',
    detect: ['year', 'reporter', 'partner', 'flow', 'hs_code', 'value_usd'],
    columns: {
      refYear: 'year',
      refMonth: 'month',
      reporter: 'reporter',
      partner: 'partner',
      flow: 'flow',
      hsCode: 'hs_code',
      quantity: 'quantity',
      quantityUnit: 'quantity_unit',
      netWeightKg: 'net_weight_kg',
      tradeValueUsd: 'value_usd',
    },
  },
];

// ---------------------------------------------------------------------------------------------------
// revenue: monthly revenue collected, per revenue line

const REVENUE_FIELDS: readonly FieldDef[] = [
  { name: 'refYear', kind: 'year', required: true, doc: 'Calendar year.' },
  { name: 'refMonth', kind: 'month', required: true, doc: 'Calendar month 1-12.' },
  { name: 'category', kind: 'text', required: true, doc: 'Revenue line, e.g. "Customs duties".' },
  { name: 'group', kind: 'text', doc: 'Higher-level head the line belongs to.' },
  { name: 'subgroup', kind: 'text', doc: 'Intermediate head.' },
  { name: 'amount', kind: 'number', required: true, doc: 'Amount collected (refunds may be negative).' },
  { name: 'currency', kind: 'currency', doc: 'ISO 4217 currency; empty = national currency.' },
];

const REVENUE_LAYOUTS: ColumnMapping[] = [
  {
    name: 'za-treasury-monthly',
    description: 'South African National Treasury monthly tax revenue (T1, T2, T3, Year, MonthNum, Revenue)',
    detect: ['T1', 'T3', 'Year', 'MonthNum', 'Revenue'],
    columns: {
      refYear: 'Year',
      refMonth: 'MonthNum',
      group: 'T1',
      subgroup: 'T2',
      category: 'T3',
      amount: 'Revenue',
    },
  },
  {
    name: 'bacuda-revenue',
    description: 'Plain revenue layout: year, month, category, amount[, currency, group, subgroup]',
    detect: ['year', 'month', 'category', 'amount'],
    columns: {
      refYear: 'year',
      refMonth: 'month',
      category: 'category',
      group: 'group',
      subgroup: 'subgroup',
      amount: 'amount',
      currency: 'currency',
    },
  },
];

// ---------------------------------------------------------------------------------------------------
// tariffs: statutory rates per tariff line

const TARIFF_FIELDS: readonly FieldDef[] = [
  {
    name: 'hsCode',
    kind: 'hs',
    required: true,
    minDigits: 2,
    doc: 'Tariff line (chapter to national line).',
  },
  { name: 'ratePercent', kind: 'amount', required: true, doc: 'Customs duty rate in percent, ≥ 0.' },
  { name: 'vatPercent', kind: 'amount', doc: 'Import VAT rate in percent, ≥ 0.' },
  { name: 'excisePercent', kind: 'amount', doc: 'Excise rate in percent, ≥ 0.' },
  { name: 'validFrom', kind: 'date', required: true, doc: 'First day the rates apply.' },
  { name: 'validTo', kind: 'date', doc: 'Last day the rates apply; empty = still in force.' },
];

const TARIFF_LAYOUTS: ColumnMapping[] = [
  {
    name: 'bacuda-tariffs',
    description:
      'Plain tariff layout: hs_code, rate_percent, valid_from[, vat_percent, excise_percent, valid_to]',
    detect: ['hs_code', 'rate_percent', 'valid_from'],
    columns: {
      hsCode: 'hs_code',
      ratePercent: 'rate_percent',
      vatPercent: 'vat_percent',
      excisePercent: 'excise_percent',
      validFrom: 'valid_from',
      validTo: 'valid_to',
    },
  },
];

// ---------------------------------------------------------------------------------------------------
// fx: exchange rates

const FX_FIELDS: readonly FieldDef[] = [
  { name: 'date', kind: 'date', required: true, doc: 'Day the rate applies.' },
  { name: 'currency', kind: 'currency', required: true, doc: 'Foreign currency (ISO 4217).' },
  {
    name: 'rate',
    kind: 'amount',
    required: true,
    doc: 'National currency units per one unit of the foreign currency, > 0.',
  },
];

const FX_LAYOUTS: ColumnMapping[] = [
  {
    name: 'bacuda-fx',
    description: 'Plain exchange-rate layout: date, currency, rate',
    detect: ['date', 'currency', 'rate'],
    columns: { date: 'date', currency: 'currency', rate: ['rate', 'rate_per_unit'] },
  },
];

// ---------------------------------------------------------------------------------------------------
// prices: observed market prices (web scraping) for valuation checks

const PRICE_FIELDS: readonly FieldDef[] = [
  { name: 'date', kind: 'date', required: true, doc: 'Day the price was observed.' },
  { name: 'productKey', kind: 'text', doc: 'Key matching observations of one product across runs.' },
  { name: 'productId', kind: 'text', doc: 'Shop SKU or product identifier.' },
  { name: 'gtin', kind: 'text', doc: 'GTIN / EAN when the page gives one.' },
  { name: 'product', kind: 'text', doc: 'Product name as listed.' },
  { name: 'brand', kind: 'text', doc: 'Brand as listed.' },
  { name: 'hsCode', kind: 'hs', minDigits: 2, doc: 'Tariff code the product was classified under.' },
  { name: 'price', kind: 'amount', required: true, doc: 'Observed price, ≥ 0.' },
  { name: 'currency', kind: 'currency', doc: 'Price currency (ISO 4217); empty when the page did not say.' },
  { name: 'convertedPrice', kind: 'amount', doc: 'Price in the national currency, ≥ 0.' },
  { name: 'localCurrency', kind: 'currency', doc: 'The national currency convertedPrice is in.' },
  { name: 'unit', kind: 'code', doc: 'Unit the price is for (piece, kg, l, ...).' },
  { name: 'availability', kind: 'text', doc: 'InStock, OutOfStock, ... as the page states it.' },
  { name: 'source', kind: 'text', doc: 'Shop or site the price came from.' },
  { name: 'url', kind: 'text', doc: 'Product page address.' },
  // The rest of the crawler's valuation evidence (shared/prices/crawl/observations.ts, docs/prices.md).
  { name: 'observedAt', kind: 'text', doc: 'ISO timestamp the page was fetched.' },
  { name: 'fxDate', kind: 'date', doc: 'Date of the fx rate used for convertedPrice.' },
  { name: 'sku', kind: 'text', doc: 'Shop SKU as extracted.' },
  { name: 'extraction', kind: 'code', doc: 'Extraction method: json-ld, microdata, rdfa, meta or text.' },
  { name: 'snapshotKey', kind: 'text', doc: 'Object key of the raw page snapshot the price came from.' },
];

const PRICE_LAYOUTS: ColumnMapping[] = [
  {
    name: 'bacuda-prices',
    description:
      'Price observations (bacuda prices crawl output): date (or observed_at), price[, currency, converted_price, product_key, hs_code, url, ...]',
    detect: ['price', 'url'],
    columns: {
      date: ['date', 'observed_at', 'observedAt', 'scraped_at'],
      productKey: ['product_key', 'productKey'],
      productId: ['product_id', 'productId', 'sku'],
      gtin: ['gtin', 'ean'],
      product: ['product', 'name', 'title'],
      brand: 'brand',
      hsCode: ['hs_code', 'hsCode'],
      price: 'price',
      currency: 'currency',
      convertedPrice: ['converted_price', 'convertedPrice'],
      localCurrency: ['local_currency', 'localCurrency'],
      unit: 'unit',
      availability: 'availability',
      source: ['source', 'shop', 'site'],
      url: 'url',
      observedAt: ['observed_at', 'observedAt', 'scraped_at'],
      fxDate: ['fx_date', 'fxDate'],
      sku: 'sku',
      extraction: 'extraction',
      snapshotKey: ['snapshot_key', 'snapshotKey'],
    },
  },
];

export const DATASETS: Record<DatasetName, DatasetDef> = {
  declarations: {
    name: 'declarations',
    schemaVersion: DECLARATION_SCHEMA_VERSION,
    summary: 'Import declarations, one row per item (canonical Declaration schema).',
    fields: DECLARATION_FIELD_DEFS,
    layouts: BUILTIN_DECLARATION_LAYOUTS,
    partitionBy: { date: 'date' },
  },
  trade: {
    name: 'trade',
    schemaVersion: 1,
    summary: 'Bilateral trade statistics (mirror analysis).',
    fields: TRADE_FIELDS,
    layouts: TRADE_LAYOUTS,
    partitionBy: { year: 'refYear', month: 'refMonth' },
  },
  revenue: {
    name: 'revenue',
    schemaVersion: 1,
    summary: 'Monthly revenue collected per revenue line.',
    fields: REVENUE_FIELDS,
    layouts: REVENUE_LAYOUTS,
    partitionBy: { year: 'refYear', month: 'refMonth' },
  },
  tariffs: {
    name: 'tariffs',
    schemaVersion: 1,
    summary: 'Statutory rates per tariff line and validity period.',
    fields: TARIFF_FIELDS,
    layouts: TARIFF_LAYOUTS,
    partitionBy: { date: 'validFrom' },
  },
  fx: {
    name: 'fx',
    schemaVersion: 1,
    summary: 'Exchange rates to the national currency.',
    fields: FX_FIELDS,
    layouts: FX_LAYOUTS,
    partitionBy: { date: 'date' },
  },
  prices: {
    name: 'prices',
    // 2: the crawler's valuation evidence (observedAt, convertedPrice, fxDate, productKey, ...).
    schemaVersion: 2,
    summary: 'Observed market prices for valuation checks.',
    fields: PRICE_FIELDS,
    layouts: PRICE_LAYOUTS,
    partitionBy: { date: 'date' },
  },
};
