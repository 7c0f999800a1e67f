import { z } from 'zod';
import type { QueryEngine, Row, SqlValue } from '../ports/query-engine.ts';

/**
 * The allow-list of named queries: the only SQL that reaches Athena or DuckDB on behalf of a caller.
 *
 * - Every query filters on the caller's administration (always the first bound value), so one
 *   administration never reads another's rows.
 * - SQL is assembled only from the fixed fragments below; every caller-supplied value is validated by
 *   the query's schema and bound as a positional `?` (Athena ExecutionParameters / DuckDB prepared
 *   parameters), never spliced. Parameters appear in WHERE only, as Athena requires.
 * - The SQL stays in the subset Trino and DuckDB share: no `//`, no strftime/date_format, no integer
 *   division, dates compared through CAST(? AS DATE), year()/month() of a DATE. Each query runs on real
 *   DuckDB in test/unit/ingest/queries.test.ts.
 */

export interface NamedQuery {
  name: string;
  summary: string;
  /** Lake table the query reads. */
  table: string;
  params: z.ZodObject;
  /** Builds the statement and its bound values (administration first) from validated parameters. */
  build(admin: string, params: Record<string, unknown>): { sql: string; values: SqlValue[] };
}

export class QueryInputError extends Error {
  constructor(message: string) {
    super(message);
    this.name = 'QueryInputError';
  }
}

const isoDate = z
  .string()
  .regex(/^\d{4}-\d{2}-\d{2}$/, 'a date YYYY-MM-DD')
  .refine((s) => {
    const t = Date.parse(`${s}T00:00:00Z`);
    return !Number.isNaN(t) && new Date(t).toISOString().slice(0, 10) === s;
  }, 'a real calendar date');
const year = z.coerce.number().int().min(1900).max(2100);
const hsPrefix = z.string().regex(/^\d{2,12}$/, '2 to 12 digits');
const flow = z.enum(['import', 'export', 're-export', 're-import']);

export const ADMIN_CODE = /^[A-Z0-9][A-Z0-9_-]{1,31}$/;

/** WHERE clause pieces: a fixed SQL fragment per optional parameter. */
function where(
  admin: string,
  params: Record<string, unknown>,
  optional: Record<string, (v: unknown) => { sql: string; values: SqlValue[] }>,
): { sql: string; values: SqlValue[] } {
  const parts = ['administration = ?'];
  const values: SqlValue[] = [admin];
  for (const [name, fragment] of Object.entries(optional)) {
    const v = params[name];
    if (v === undefined) continue;
    const f = fragment(v);
    parts.push(f.sql);
    values.push(...f.values);
  }
  return { sql: `WHERE ${parts.join(' AND ')}`, values };
}

const dateRange = {
  from: (v: unknown) => ({ sql: 'date >= CAST(? AS DATE)', values: [v as string] }),
  to: (v: unknown) => ({ sql: 'date <= CAST(? AS DATE)', values: [v as string] }),
};
const dateParams = { from: isoDate.optional(), to: isoDate.optional() };

const QUERIES: NamedQuery[] = [
  {
    name: 'declarations.count',
    summary: 'Number of declaration items, optionally between two dates.',
    table: 'declarations',
    params: z.object(dateParams).strict(),
    build(admin, p) {
      const w = where(admin, p, dateRange);
      return { sql: `SELECT count(*) AS "count" FROM declarations ${w.sql}`, values: w.values };
    },
  },
  {
    name: 'declarations.by-month',
    summary: 'Items, declarations, CIF value, taxes and illicit findings per month.',
    table: 'declarations',
    params: z.object({ ...dateParams, year: year.optional() }).strict(),
    build(admin, p) {
      const w = where(admin, p, { ...dateRange, year: (v) => ({ sql: 'year = ?', values: [v as number] }) });
      return {
        sql: `SELECT year(date) AS "year", month(date) AS "month", count(*) AS "items",
  count(DISTINCT declarationId) AS "declarations", sum(cifValue) AS "cifValue",
  sum(totalTaxes) AS "totalTaxes", sum(illicit) AS "illicit", sum(revenue) AS "revenue"
FROM declarations ${w.sql}
GROUP BY year(date), month(date)
ORDER BY 1, 2`,
        values: w.values,
      };
    },
  },
  {
    name: 'declarations.taxes-by-month',
    summary:
      'Total taxes per month broken down by office, HS chapter or tax type (the forecasting sub-series).',
    table: 'declarations',
    params: z
      .object({ ...dateParams, by: z.enum(['office', 'chapter', 'taxType']).default('chapter') })
      .strict(),
    build(admin, p) {
      // The grouping expression comes from this allow-list, never from the request.
      const key = { office: 'officeId', chapter: 'substr(hsCode, 1, 2)', taxType: 'taxType' }[
        p.by as 'office' | 'chapter' | 'taxType'
      ];
      const w = where(admin, { from: p.from, to: p.to }, dateRange);
      return {
        sql: `SELECT year(date) AS "year", month(date) AS "month", ${key} AS "key", sum(totalTaxes) AS "totalTaxes"
FROM declarations ${w.sql} AND ${key} IS NOT NULL
GROUP BY year(date), month(date), ${key}
ORDER BY 3, 1, 2`,
        values: w.values,
      };
    },
  },
  {
    name: 'declarations.by-chapter',
    summary: 'Items, CIF value and illicit rate per HS chapter (first two digits).',
    table: 'declarations',
    params: z.object(dateParams).strict(),
    build(admin, p) {
      const w = where(admin, p, dateRange);
      return {
        sql: `SELECT substr(hsCode, 1, 2) AS "chapter", count(*) AS "items", sum(cifValue) AS "cifValue",
  sum(illicit) AS "illicit", count(illicit) AS "inspected"
FROM declarations ${w.sql}
GROUP BY substr(hsCode, 1, 2)
ORDER BY 1`,
        values: w.values,
      };
    },
  },
  {
    name: 'declarations.top-importers',
    summary: 'The 50 importers (pseudonyms) with the highest declared CIF value.',
    table: 'declarations',
    params: z.object({ ...dateParams, hsPrefix: hsPrefix.optional() }).strict(),
    build(admin, p) {
      const w = where(admin, p, {
        ...dateRange,
        hsPrefix: (v) => ({ sql: 'hsCode LIKE ?', values: [`${v as string}%`] }),
      });
      return {
        sql: `SELECT importerId AS "importerId", count(*) AS "items", sum(cifValue) AS "cifValue",
  sum(illicit) AS "illicit"
FROM declarations ${w.sql} AND importerId IS NOT NULL
GROUP BY importerId
ORDER BY 3 DESC, 1
LIMIT 50`,
        values: w.values,
      };
    },
  },
  {
    name: 'trade.by-partner',
    summary:
      'Trade value and net weight per reporter, partner and flow, optionally for one HS prefix and year.',
    table: 'trade',
    params: z
      .object({ hsPrefix: hsPrefix.optional(), year: year.optional(), flow: flow.optional() })
      .strict(),
    build(admin, p) {
      const w = where(admin, p, {
        hsPrefix: (v) => ({ sql: 'hsCode LIKE ?', values: [`${v as string}%`] }),
        year: (v) => ({ sql: 'refYear = ?', values: [v as number] }),
        flow: (v) => ({ sql: 'flow = ?', values: [v as string] }),
      });
      return {
        sql: `SELECT reporter AS "reporter", partner AS "partner", flow AS "flow", refYear AS "year",
  sum(tradeValueUsd) AS "tradeValueUsd", sum(netWeightKg) AS "netWeightKg"
FROM trade ${w.sql}
GROUP BY reporter, partner, flow, refYear
ORDER BY 4, 1, 2, 3`,
        values: w.values,
      };
    },
  },
  {
    name: 'revenue.by-month',
    summary: 'Revenue collected per month and revenue line.',
    table: 'revenue',
    params: z.object({ year: year.optional() }).strict(),
    build(admin, p) {
      const w = where(admin, p, { year: (v) => ({ sql: 'refYear = ?', values: [v as number] }) });
      return {
        sql: `SELECT refYear AS "year", refMonth AS "month", category AS "category", sum(amount) AS "amount"
FROM revenue ${w.sql}
GROUP BY refYear, refMonth, category
ORDER BY 1, 2, 3`,
        values: w.values,
      };
    },
  },
  {
    name: 'tariffs.current',
    summary: 'Tariff lines in force on a date (default: all periods), optionally for one HS prefix.',
    table: 'tariffs',
    params: z.object({ on: isoDate.optional(), hsPrefix: hsPrefix.optional() }).strict(),
    build(admin, p) {
      const w = where(admin, p, {
        on: (v) => ({
          sql: 'validFrom <= CAST(? AS DATE) AND (validTo IS NULL OR validTo >= CAST(? AS DATE))',
          values: [v as string, v as string],
        }),
        hsPrefix: (v) => ({ sql: 'hsCode LIKE ?', values: [`${v as string}%`] }),
      });
      return {
        sql: `SELECT hsCode AS "hsCode", ratePercent AS "ratePercent", vatPercent AS "vatPercent",
  excisePercent AS "excisePercent", validFrom AS "validFrom", validTo AS "validTo"
FROM tariffs ${w.sql}
ORDER BY 1, 5`,
        values: w.values,
      };
    },
  },
  {
    name: 'fx.rates',
    summary: 'Exchange rates for one currency (or all) between two dates.',
    table: 'fx',
    params: z
      .object({
        ...dateParams,
        currency: z
          .string()
          .regex(/^[A-Z]{3}$/, 'an ISO 4217 code')
          .optional(),
      })
      .strict(),
    build(admin, p) {
      const w = where(admin, p, {
        ...dateRange,
        currency: (v) => ({ sql: 'currency = ?', values: [v as string] }),
      });
      return {
        sql: `SELECT date AS "date", currency AS "currency", rate AS "rate" FROM fx ${w.sql} ORDER BY 1, 2`,
        values: w.values,
      };
    },
  },
  {
    name: 'prices.by-product',
    summary: 'Observations, median-free summary (min, avg, max) of prices per product and currency.',
    table: 'prices',
    params: z.object({ ...dateParams, hsPrefix: hsPrefix.optional() }).strict(),
    build(admin, p) {
      const w = where(admin, p, {
        ...dateRange,
        hsPrefix: (v) => ({ sql: 'hsCode LIKE ?', values: [`${v as string}%`] }),
      });
      return {
        sql: `SELECT productId AS "productId", product AS "product", currency AS "currency", count(*) AS "observations",
  min(price) AS "minPrice", avg(price) AS "avgPrice", max(price) AS "maxPrice"
FROM prices ${w.sql}
GROUP BY productId, product, currency
ORDER BY 2, 1, 3`,
        values: w.values,
      };
    },
  },
  {
    name: 'prices.observations',
    summary:
      'Price observations with a national-currency price (the valuation evidence: url, date, price, converted price, product key, HS code).',
    table: 'prices',
    params: z.object({ ...dateParams, hsPrefix: hsPrefix.optional() }).strict(),
    build(admin, p) {
      const w = where(admin, p, {
        ...dateRange,
        hsPrefix: (v) => ({ sql: 'hsCode LIKE ?', values: [`${v as string}%`] }),
      });
      return {
        sql: `SELECT date AS "date", url AS "url", price AS "price", currency AS "currency",
  convertedPrice AS "convertedPrice", productKey AS "productKey", hsCode AS "hsCode"
FROM prices ${w.sql} AND convertedPrice IS NOT NULL
ORDER BY 1, 2`,
        values: w.values,
      };
    },
  },
  {
    name: 'declarations.price-matched',
    summary:
      'Declaration items (id, item, date, HS code, quantity, CIF and FOB value) whose HS6 has price observations: the input of the valuation cross-check.',
    table: 'declarations',
    params: z.object({ ...dateParams, hsPrefix: hsPrefix.optional() }).strict(),
    build(admin, p) {
      const w = where(admin, p, {
        ...dateRange,
        hsPrefix: (v) => ({ sql: 'hsCode LIKE ?', values: [`${v as string}%`] }),
      });
      // Only HS6 codes the market was observed for: the check cannot say anything about the others, and this keeps
      // the result set proportional to the price coverage rather than to the whole declarations table.
      return {
        sql: `SELECT declarationId AS "declarationId", itemNumber AS "itemNumber", date AS "date", hsCode AS "hsCode",
  quantity AS "quantity", cifValue AS "cifValue", fobValue AS "fobValue"
FROM declarations ${w.sql} AND substr(hsCode, 1, 6) IN (
  SELECT DISTINCT substr(hsCode, 1, 6) FROM prices
  WHERE administration = ? AND hsCode IS NOT NULL AND convertedPrice IS NOT NULL)
ORDER BY 3, 1, 2`,
        values: [...w.values, admin],
      };
    },
  },
];

export const NAMED_QUERIES: ReadonlyMap<string, NamedQuery> = new Map(QUERIES.map((q) => [q.name, q]));

/** Validates the administration and parameters, then builds the bound statement of a named query. */
export function prepareNamedQuery(
  name: string,
  admin: string,
  params: Record<string, string | number | undefined>,
): { query: NamedQuery; sql: string; values: SqlValue[] } {
  const query = NAMED_QUERIES.get(name);
  if (!query)
    throw new QueryInputError(`unknown query "${name}"; known: ${[...NAMED_QUERIES.keys()].join(', ')}`);
  if (!ADMIN_CODE.test(admin)) throw new QueryInputError(`invalid administration code "${admin}"`);
  const parsed = query.params.safeParse(params);
  if (!parsed.success) {
    throw new QueryInputError(
      `${name}: ${parsed.error.issues
        .map((i) =>
          i.code === 'unrecognized_keys'
            ? `unknown parameter(s) ${i.keys.join(', ')}; allowed: ${Object.keys(query.params.shape).join(', ') || 'none'}`
            : `${i.path.join('.')}: ${i.message}`,
        )
        .join('; ')}`,
    );
  }
  const { sql, values } = query.build(admin, parsed.data as Record<string, unknown>);
  return { query, sql, values };
}

/** Runs a named query for one administration. */
export async function runNamedQuery(
  engine: QueryEngine,
  name: string,
  admin: string,
  params: Record<string, string | number | undefined> = {},
  options?: { signal?: AbortSignal },
): Promise<Row[]> {
  const { sql, values } = prepareNamedQuery(name, admin, params);
  return engine.query(sql, values, options);
}
