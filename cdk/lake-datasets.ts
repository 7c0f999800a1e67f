/**
 * The curated datasets the Glue catalogue declares, one table each, over
 * `curated/<dataset>/administration=<ADMIN>/year=<YYYY>/month=<MM>/*.parquet`.
 *
 * LOCAL LIST — until shared/ingest/datasets.ts exists. The ingest issue owns the column schemas
 * (DuckDB writes the Parquet from them); once that module exports them, replace LOCAL_DATASETS by a
 * mapping from it so the Glue tables and the Parquet writer derive from one definition. The
 * declarations table already derives from the canonical schema in shared/declarations/canonical.ts.
 */
import { DECLARATION_FIELDS, type Declaration } from '../shared/declarations/canonical.ts';

/** Glue/Athena (Hive) column types used by the lake. */
export type GlueType = 'string' | 'bigint' | 'int' | 'double' | 'date' | 'timestamp' | 'boolean';

export interface LakeColumn {
  name: string;
  type: GlueType;
  comment?: string;
}

export interface LakeDataset {
  /** Table name and the path segment under curated/. */
  name: string;
  description: string;
  columns: LakeColumn[];
}

/** Types of the canonical declaration fields; `satisfies` makes a new canonical field a type error here. */
const DECLARATION_TYPES = {
  declarationId: 'string',
  itemNumber: 'int',
  date: 'date',
  officeId: 'string',
  importerId: 'string',
  declarantId: 'string',
  sellerId: 'string',
  courierId: 'string',
  hsCode: 'string',
  originCountry: 'string',
  departureCountry: 'string',
  quantity: 'double',
  weightKg: 'double',
  fobValue: 'double',
  cifValue: 'double',
  taxRate: 'double',
  totalTaxes: 'double',
  processType: 'string',
  importType: 'string',
  importUse: 'string',
  paymentType: 'string',
  transportMode: 'string',
  taxType: 'string',
  originIndicator: 'string',
  illicit: 'int',
  revenue: 'double',
} as const satisfies Record<keyof Declaration, GlueType>;

/** Glue lower-cases column names; Athena matches Parquet columns case-insensitively. */
const col = (name: string, type: GlueType, comment?: string): LakeColumn => ({
  name: name.toLowerCase(),
  type,
  comment,
});

export const LAKE_DATASETS: readonly LakeDataset[] = [
  {
    name: 'declarations',
    description: 'Canonical declaration items, identifiers pseudonymised (shared/declarations/canonical.ts)',
    columns: DECLARATION_FIELDS.map((f) => col(f, DECLARATION_TYPES[f])),
  },
  {
    name: 'trade',
    description: 'Bilateral trade flows (reporter/partner/HS/period) for mirror analysis',
    columns: [
      col('reporter', 'string'),
      col('partner', 'string'),
      col('flow', 'string', 'import or export'),
      col('hsCode', 'string'),
      col('period', 'string', 'YYYY-MM or YYYY'),
      col('tradeValue', 'double'),
      col('netWeightKg', 'double'),
      col('quantity', 'double'),
      col('quantityUnit', 'string'),
    ],
  },
  {
    name: 'revenue',
    description: 'Monthly revenue collected per line (duties, import VAT, excise)',
    columns: [col('period', 'string', 'YYYY-MM'), col('line', 'string'), col('amount', 'double')],
  },
  {
    name: 'tariffs',
    description: 'Statutory rates per HS code and validity period',
    columns: [
      col('hsCode', 'string'),
      col('dutyRate', 'double'),
      col('vatRate', 'double'),
      col('exciseRate', 'double'),
      col('validFrom', 'date'),
      col('validTo', 'date'),
    ],
  },
  {
    name: 'fx',
    description: 'Exchange rates to the administration currency',
    columns: [col('date', 'date'), col('currency', 'string'), col('rate', 'double')],
  },
  {
    name: 'prices',
    description: 'Scraped online-shop price observations',
    columns: [
      col('observedAt', 'timestamp'),
      col('source', 'string'),
      col('url', 'string'),
      col('hsCode', 'string'),
      col('sku', 'string'),
      col('brand', 'string'),
      col('title', 'string'),
      col('price', 'double'),
      col('currency', 'string'),
      col('availability', 'string'),
    ],
  },
];
