import type { ColumnMapping } from '../ingest/layout.ts';

/**
 * Built-in declaration layouts. Columns not named here (importer and declarant names, tariff
 * descriptions, inspection notes, receipt numbers, ...) are never read, so names and free text are
 * dropped at the first step.
 */

/** WCO BACUDA synthetic import declarations (the 14-column GAN output used in the BACUDA notebooks). */
export const WCO_BACUDA_SYNTHETIC: ColumnMapping = {
  name: 'wco-bacuda-synthetic',
  description: 'WCO BACUDA synthetic import declarations: sgd.id, sgd.date (YY-MM-DD), importer.id, ...',
  detect: ['sgd.id', 'sgd.date', 'importer.id', 'tariff.code', 'cif.value'],
  columns: {
    declarationId: 'sgd.id',
    date: 'sgd.date',
    importerId: 'importer.id',
    declarantId: 'declarant.id',
    originCountry: 'country',
    officeId: 'office.id',
    hsCode: 'tariff.code',
    quantity: 'quantity',
    weightKg: 'gross.weight',
    fobValue: 'fob.value',
    cifValue: 'cif.value',
    totalTaxes: 'total.taxes',
    illicit: 'illicit',
    revenue: 'revenue',
  },
  hsLength: 10,
};

/** WCO raw anonymised declarations (Nigeria-style "N-data"), with multi-line quoted text columns. */
export const WCO_RAW: ColumnMapping = {
  name: 'wco-raw',
  description:
    'WCO raw anonymised declarations: YEAR, OFFICE, SGD.NUMBER, SGD.DATE (14-Aug-14), IMPORTER.TIN, ...',
  detect: ['SGD.NUMBER', 'SGD.DATE', 'IMPORTER.TIN', 'TARIFF.CODE', 'CIF.VALUE'],
  columns: {
    declarationId: 'SGD.NUMBER',
    itemNumber: 'ITEM.NUMBER',
    date: 'SGD.DATE',
    officeId: 'OFFICE',
    importerId: 'IMPORTER.TIN',
    declarantId: 'DECLARANT.CODE',
    hsCode: 'TARIFF.CODE',
    originCountry: 'ORIGIN.CODE',
    quantity: 'QUANTITY',
    weightKg: 'GROSS.WEIGHT',
    fobValue: 'FOB.VALUE',
    cifValue: 'CIF.VALUE',
    totalTaxes: 'TOTAL.TAXES',
    illicit: 'illicit',
    revenue: 'RAISED_TAX_AMOUNT',
  },
  hsLength: 10,
};

/** Korea Customs Service synthetic import declarations (Customs-Declaration-Datasets, English headers). */
export const KCS: ColumnMapping = {
  name: 'kcs',
  description: 'Korea Customs Service import declarations: Declaration ID, Date, ..., HS6 Code, ..., Fraud',
  detect: ['Declaration ID', 'Date', 'HS6 Code', 'Item Price'],
  columns: {
    declarationId: 'Declaration ID',
    date: 'Date',
    officeId: 'Office ID',
    processType: 'Process Type',
    importType: 'Import Type',
    importUse: 'Import Use',
    paymentType: 'Payment Type',
    transportMode: 'Mode of Transport',
    declarantId: 'Declarant ID',
    importerId: 'Importer ID',
    sellerId: 'Seller ID',
    courierId: 'Courier ID',
    hsCode: 'HS6 Code',
    departureCountry: 'Country of Departure',
    originCountry: 'Country of Origin',
    taxRate: 'Tax Rate',
    taxType: 'Tax Type',
    originIndicator: 'Country of Origin Indicator',
    weightKg: ['Net Mass', 'Net Mass (kg)'],
    cifValue: ['Item Price', 'Item Price (KRW)'],
    illicit: 'Fraud',
  },
  hsLength: 6,
};

/** Weekly anonymised extracts of the DATE model's experiments (SGD_NUM, SGD_DATE, ..., INITIAL_ITM_CIF). */
export const WCO_WEEKLY: ColumnMapping = {
  name: 'wco-weekly',
  description: 'WCO weekly anonymised extract: SGD_NUM, SGD_DATE, IMPORTER_TIN, ..., INITIAL_ITM_CIF',
  detect: ['SGD_NUM', 'SGD_DATE', 'IMPORTER_TIN', 'HSCODE', 'INITIAL_ITM_CIF'],
  columns: {
    declarationId: 'SGD_NUM',
    date: 'SGD_DATE',
    importerId: 'IMPORTER_TIN',
    declarantId: 'DECLARANT_CODE',
    officeId: 'OFFICE_CODE',
    originCountry: 'ORIGIN_CODE',
    hsCode: 'HSCODE',
    itemNumber: 'ITM_NUM',
    quantity: 'INITIAL_ITM_QTY',
    weightKg: 'INITIAL_ITM_WEIGHT',
    fobValue: 'INITIAL_ITM_FOB',
    cifValue: 'INITIAL_ITM_CIF',
    totalTaxes: 'INITIAL_ITM_TOTAL_TAX',
  },
  hsLength: 10,
};

export const BUILTIN_DECLARATION_LAYOUTS: readonly ColumnMapping[] = [
  WCO_BACUDA_SYNTHETIC,
  WCO_RAW,
  KCS,
  WCO_WEEKLY,
];
