/**
 * The canonical `trade` table: one row per UN Comtrade record, whatever layout it was uploaded in.
 * The mirror and gap SQL run over this table, so the same named queries serve the lake view
 * (Athena / DuckDB over Parquet) and a CSV loaded into DuckDB by the CLI.
 *
 * Countries are paired on their numeric UN M49 codes (reporter/partner), not on ISO3: Comtrade leaves
 * the ISO3 of several areas empty ("Other Asia, nes" = 490, free zones, bunkers...), and those rows
 * still pair on their codes.
 */
export interface TradeRow {
  /** "YYYY" (annual) or "YYYYMM" (monthly), as reported. */
  period: string;
  /** Reporter's numeric M49 code as text, e.g. "8". */
  reporter: string;
  reporterIso: string | null;
  /** Partner's numeric M49 code as text; "0" is World. */
  partner: string;
  partnerIso: string | null;
  /** HS code, digits, with the leading zero restored ("030211", not "30211"). */
  product: string;
  /** "M" import or "X" export; other flows (re-exports, re-imports, ...) never reach the table. */
  flow: 'M' | 'X';
  /** Trade value in US$ (tradevalue / primary_value). */
  value: number;
  quantity: number | null;
  weightKg: number | null;
  /** HS revision as reported: H0..H6 (null when the layout has none). */
  classification: string | null;
}

export const TRADE_COLUMNS = [
  'period',
  'reporter',
  'reporterIso',
  'partner',
  'partnerIso',
  'product',
  'flow',
  'value',
  'quantity',
  'weightKg',
  'classification',
] as const satisfies readonly (keyof TradeRow)[];

/**
 * Column DDL of the canonical trade table (also the emptySchema of the lake table). Values are
 * DECIMAL so sums are exact to the cent; DECIMAL(18,4) is exact for any single Comtrade value
 * (< 10^14 US$) and keeps sub-cent digits that Comtrade+ primary values sometimes carry.
 */
export const TRADE_DDL =
  'period VARCHAR, reporter VARCHAR, reporterIso VARCHAR, partner VARCHAR, partnerIso VARCHAR, ' +
  'product VARCHAR, flow VARCHAR, value DECIMAL(18,4), quantity DOUBLE, weightKg DOUBLE, classification VARCHAR';

/** The `tariffs` table: statutory duty rate per HS code (any length: chapter, heading, subheading...). */
export interface TariffRow {
  hsCode: string;
  /** Statutory rate in percent (10 = 10 %). */
  ratePercent: number;
}

export const TARIFF_DDL = 'hsCode VARCHAR, ratePercent DOUBLE';
