/**
 * The canonical declaration schema: one row per declaration item.
 * Every recognised upload layout (WCO BACUDA synthetic, WCO raw anonymised, Korea Customs Service,
 * or an administration's registered mapping) is mapped to this shape before validation,
 * pseudonymisation and storage. docs/declaration-schema.md documents each field and its sources.
 *
 * Identifier fields (importerId, declarantId, sellerId, courierId) hold HMAC pseudonyms once a row has
 * been ingested; the raw values never reach curated/.
 */
export interface Declaration {
  /** Declaration (SGD) number, unique per administration together with itemNumber. */
  declarationId: string;
  /** Item (line) number within the declaration; 1 when the layout has one item per row. */
  itemNumber: number;
  /** ISO date YYYY-MM-DD. */
  date: string;
  officeId: string | null;
  importerId: string | null;
  declarantId: string | null;
  sellerId: string | null;
  courierId: string | null;
  /** Tariff / HS code as declared, digits only (6 to 12 digits). */
  hsCode: string;
  /** Country of origin code (ISO2/ISO3 or an anonymised code such as CNTRY680). */
  originCountry: string | null;
  departureCountry: string | null;
  quantity: number | null;
  /** Mass in kg (gross weight, or net mass where that is all the layout has). */
  weightKg: number | null;
  fobValue: number | null;
  /** Customs (CIF) value in the administration's currency. */
  cifValue: number | null;
  /** Statutory duty rate in percent, when the layout declares it. */
  taxRate: number | null;
  /** Taxes assessed on the declaration as filed. */
  totalTaxes: number | null;
  /** Categorical attributes some layouts carry (KCS): procedure, import type, use, payment, transport, tax type. */
  processType: string | null;
  importType: string | null;
  importUse: string | null;
  paymentType: string | null;
  transportMode: string | null;
  taxType: string | null;
  originIndicator: string | null;
  /** Inspection outcome: 1 fraud found, 0 clean, null not inspected / unknown. */
  illicit: 0 | 1 | null;
  /** Extra tax recovered by inspection (0 when clean), null when unknown. */
  revenue: number | null;
}

export const DECLARATION_FIELDS = [
  'declarationId',
  'itemNumber',
  'date',
  'officeId',
  'importerId',
  'declarantId',
  'sellerId',
  'courierId',
  'hsCode',
  'originCountry',
  'departureCountry',
  'quantity',
  'weightKg',
  'fobValue',
  'cifValue',
  'taxRate',
  'totalTaxes',
  'processType',
  'importType',
  'importUse',
  'paymentType',
  'transportMode',
  'taxType',
  'originIndicator',
  'illicit',
  'revenue',
] as const satisfies readonly (keyof Declaration)[];

/** Fields that identify people or firms: pseudonymised with a keyed HMAC on ingest. */
export const IDENTIFIER_FIELDS = ['importerId', 'declarantId', 'sellerId', 'courierId'] as const;

export const DECLARATION_SCHEMA_VERSION = 1;
