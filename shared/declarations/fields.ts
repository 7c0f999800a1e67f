import type { FieldDef } from '../ingest/fields.ts';
import { DECLARATION_FIELDS, type Declaration } from './canonical.ts';

/**
 * Kind, validation and documentation of every canonical declaration field, in DECLARATION_FIELDS order.
 * Validation: required fields present; dates real calendar dates (1900-2100); tariff codes 6-12 digits;
 * country codes upper-case alphanumeric; quantities, masses, values, rates and taxes finite and ≥ 0;
 * illicit 0/1.
 */
export const DECLARATION_FIELD_DEFS = [
  { name: 'declarationId', kind: 'text', required: true, doc: 'Declaration (SGD) number.' },
  {
    name: 'itemNumber',
    kind: 'count',
    default: 1,
    doc: 'Item (line) number within the declaration; 1 when the layout has one item per row.',
  },
  { name: 'date', kind: 'date', required: true, doc: 'Declaration (registration) date, YYYY-MM-DD.' },
  { name: 'officeId', kind: 'code', doc: 'Customs office code.' },
  { name: 'importerId', kind: 'identifier', doc: 'Importer ID or TIN — stored as an HMAC pseudonym.' },
  { name: 'declarantId', kind: 'identifier', doc: 'Declarant (broker) code — stored as an HMAC pseudonym.' },
  { name: 'sellerId', kind: 'identifier', doc: 'Seller (exporter) ID — stored as an HMAC pseudonym.' },
  { name: 'courierId', kind: 'identifier', doc: 'Courier ID — stored as an HMAC pseudonym.' },
  { name: 'hsCode', kind: 'hs', required: true, minDigits: 6, doc: 'Tariff / HS code, digits only (6-12).' },
  { name: 'originCountry', kind: 'country', doc: 'Country of origin code.' },
  { name: 'departureCountry', kind: 'country', doc: 'Country of departure (consignment) code.' },
  { name: 'quantity', kind: 'amount', doc: 'Quantity in supplementary units, ≥ 0.' },
  { name: 'weightKg', kind: 'amount', doc: 'Gross weight (or net mass) in kg, ≥ 0.' },
  { name: 'fobValue', kind: 'amount', doc: 'FOB value, ≥ 0.' },
  { name: 'cifValue', kind: 'amount', doc: 'Customs (CIF) value in national currency, ≥ 0.' },
  { name: 'taxRate', kind: 'amount', doc: 'Statutory duty rate in percent, ≥ 0.' },
  { name: 'totalTaxes', kind: 'amount', doc: 'Taxes assessed as filed, ≥ 0.' },
  { name: 'processType', kind: 'code', doc: 'Customs procedure type (KCS).' },
  { name: 'importType', kind: 'code', doc: 'Import type (KCS).' },
  { name: 'importUse', kind: 'code', doc: 'Import use (KCS).' },
  { name: 'paymentType', kind: 'code', doc: 'Payment type (KCS).' },
  { name: 'transportMode', kind: 'code', doc: 'Mode of transport code.' },
  { name: 'taxType', kind: 'code', doc: 'Tax type code (KCS).' },
  { name: 'originIndicator', kind: 'code', doc: 'Country-of-origin indicator (KCS).' },
  { name: 'illicit', kind: 'flag', doc: 'Inspection outcome: 1 fraud found, 0 clean, empty unknown.' },
  { name: 'revenue', kind: 'amount', doc: 'Extra tax recovered by inspection (0 when clean), ≥ 0.' },
] as const satisfies readonly (FieldDef & { name: keyof Declaration })[];

// Keep the field list and the canonical interface in lock-step (checked at import time, and by a test).
if (DECLARATION_FIELD_DEFS.map((f) => f.name).join() !== DECLARATION_FIELDS.join()) {
  throw new Error('DECLARATION_FIELD_DEFS is out of step with DECLARATION_FIELDS in canonical.ts');
}
