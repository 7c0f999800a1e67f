import { type StorageType, storageType } from './datasets.ts';
import { type ConvertOptions, type FieldDef, FLOWS } from './fields.ts';

/**
 * SQL renditions of the field converters in fields.ts, for the bulk (DuckDB) ingest path. They do not
 * re-implement validation: each returns a `certain` predicate that holds only for cells in a plain form
 * whose canonical value is beyond doubt (e.g. a date in one of three unambiguous forms), and the value
 * for those cells. A row with any cell that is not certain is handed to the JS converters,
 * which stay the one authority on what is valid and on every rejection reason. The SQL is checked
 * against the JS converters cell by cell in test/unit/ingest/sql-converters.test.ts.
 */
/**
 * How the bulk reader reads a field's column: always as text. (DuckDB's CSV reader parses numbers
 * faster, but also accepts "1_000", "1.0_1" and "+-1", which JS rejects, and it cannot say which cell
 * was written how.)
 */
export function readType(_field: FieldDef): 'VARCHAR' {
  return 'VARCHAR';
}

export interface SqlCell {
  /** The canonical value (NULL for an empty cell), typed as the Parquet column. */
  value: string;
  /** True when `value` is exactly what the JS converter returns for this cell. */
  certain: string;
}

/**
 * True when code point expression `u` is plainly not one JavaScript's String.prototype.trim strips:
 * printable ASCII or U+00A1..U+167F (Latin to Canadian syllabics). Any other first or last character
 * leaves the cell to JS.
 */
function plainEdge(u: string): string {
  return `(${u} BETWEEN 33 AND 126 OR ${u} BETWEEN 161 AND 5759)`;
}

/** `e` equals one of the values, as an OR chain (an IN list would become a join). */
function anyOf(e: string, values: readonly string[]): string {
  return `(${values.map((v) => `${e} = ${sqlString(v)}`).join(' OR ')})`;
}

export function sqlString(s: string): string {
  return `'${s.replaceAll("'", "''")}'`;
}

const SQL_TYPE: Record<StorageType, string> = {
  STRING: 'VARCHAR',
  INT32: 'INTEGER',
  DOUBLE: 'DOUBLE',
  DATE: 'DATE',
};

export function sqlType(field: FieldDef): string {
  return SQL_TYPE[storageType(field)];
}

/** SQL literal for a field's default (used when the layout has no column for it). */
export function sqlDefault(field: FieldDef): string {
  if (field.default === undefined) return `CAST(NULL AS ${sqlType(field)})`;
  return `CAST(${typeof field.default === 'number' ? String(field.default) : sqlString(field.default)} AS ${sqlType(field)})`;
}

/**
 * The JS converter's empty cells: the bulk reader's nullstr turns '', NA and NULL (quoted or not) into
 * NULL. A blank-only cell fails every kind's check below, so JS handles it.
 */
export function emptyCell(r: string): string {
  return `(${r} IS NULL)`;
}

/** Kind-specific certainty and value for a non-empty VARCHAR cell `r`. */
function kindCell(field: FieldDef, r: string, options: ConvertOptions): SqlCell {
  const noEdgeBlanks = `(${plainEdge(`unicode(${r})`)} AND ${plainEdge(`unicode(right(${r}, 1))`)})`;
  switch (field.kind) {
    case 'text':
    case 'identifier':
      // ≤ 128 code points is ≤ 256 UTF-16 units, the JS limit.
      return { value: r, certain: `(length(${r}) <= 128 AND ${noEdgeBlanks})` };
    case 'code':
      return {
        value: r,
        certain: `regexp_full_match(${r}, '[A-Za-z0-9_./-]([A-Za-z0-9_. /-]{0,62}[A-Za-z0-9_./-])?')`,
      };
    case 'count':
      return { value: `TRY_CAST(${r} AS INTEGER)`, certain: `regexp_full_match(${r}, '[0-9]{1,9}')` };
    // Plain decimals only: DuckDB's and JS's parsers both round them correctly to the same double
    // (and a 400-digit one overflows in both, which JS rejects).
    case 'amount':
      return {
        value: `TRY_CAST(${r} AS DOUBLE)`,
        certain: `(regexp_full_match(${r}, '[0-9]+(\\.[0-9]+)?') AND isfinite(TRY_CAST(${r} AS DOUBLE)))`,
      };
    case 'number':
      return {
        value: `TRY_CAST(${r} AS DOUBLE)`,
        certain: `(regexp_full_match(${r}, '-?[0-9]+(\\.[0-9]+)?') AND isfinite(TRY_CAST(${r} AS DOUBLE)))`,
      };
    case 'date': {
      // The three forms the built-in layouts use; everything else (and every invalid date) goes to JS.
      // The value picks its branch by length and dash positions, which for a cell matching one of the
      // three patterns of `certain` is the same branch, without running the regexes twice per cell.
      const century = (yy: string) => `(CASE WHEN TRY_CAST(${yy} AS INTEGER) < 70 THEN '20' ELSE '19' END)`;
      const months = `['jan','feb','mar','apr','may','jun','jul','aug','sep','oct','nov','dec']`;
      const d = `(CASE
        WHEN length(${r}) = 10 AND substr(${r}, 5, 1) = '-' THEN TRY_CAST(${r} AS DATE)
        WHEN length(${r}) = 8 AND substr(${r}, 3, 1) = '-' AND substr(${r}, 6, 1) = '-'
          THEN TRY_CAST(${century(`left(${r}, 2)`)} || ${r} AS DATE)
        ELSE TRY_CAST(
          ${century(`right(${r}, 2)`)} || right(${r}, 2) || '-' ||
          lpad(CAST(list_position(${months}, lower(regexp_extract(${r}, '[A-Za-z]{3}'))) AS VARCHAR), 2, '0') || '-' ||
          lpad(regexp_extract(${r}, '^[0-9]+'), 2, '0') AS DATE)
      END)`;
      return {
        value: d,
        certain: `(regexp_full_match(${r}, '[0-9]{4}-[0-9]{2}-[0-9]{2}|[0-9]{2}-[0-9]{2}-[0-9]{2}|[0-9]{1,2}-[A-Za-z]{3}-[0-9]{2}') AND year(${d}) BETWEEN 1900 AND 2100)`,
      };
    }
    case 'hs': {
      const min = field.minDigits ?? 2;
      const len = options.hsLength;
      const padded = len ? `(CASE WHEN length(${r}) = ${len - 1} THEN '0' || ${r} ELSE ${r} END)` : r;
      return {
        value: padded,
        certain: `(regexp_full_match(${r}, '[0-9]+') AND length(${padded}) BETWEEN ${min} AND 12)`,
      };
    }
    case 'country':
      return { value: `upper(${r})`, certain: `regexp_full_match(${r}, '[0-9]{1,3}|[A-Za-z0-9]{2,12}')` };
    case 'flag':
      return {
        value: `(CASE WHEN ${anyOf(`lower(${r})`, ['1', 'true', 'yes', 'y', '1.0'])} THEN 1 WHEN ${r} IS NOT NULL THEN 0 END)`,
        certain: anyOf(`lower(${r})`, ['0', 'false', 'no', 'n', '0.0', '1', 'true', 'yes', 'y', '1.0']),
      };
    case 'year':
      return {
        value: `TRY_CAST(${r} AS INTEGER)`,
        certain: `(regexp_full_match(${r}, '[0-9]{4}') AND TRY_CAST(${r} AS INTEGER) BETWEEN 1900 AND 2100)`,
      };
    case 'month':
      return {
        value: `TRY_CAST(${r} AS INTEGER)`,
        certain: `(regexp_full_match(${r}, '[0-9]{1,2}') AND TRY_CAST(${r} AS INTEGER) BETWEEN 1 AND 12)`,
      };
    case 'currency':
      return { value: `upper(${r})`, certain: `regexp_full_match(${r}, '[A-Za-z]{3}')` };
    case 'flow': {
      const cases = Object.entries(FLOWS)
        .map(([k, v]) => `WHEN ${sqlString(k)} THEN ${sqlString(v)}`)
        .join(' ');
      return {
        value: `(CASE lower(${r}) ${cases} END)`,
        certain: anyOf(`lower(${r})`, Object.keys(FLOWS)),
      };
    }
  }
}

/**
 * The SQL cell for one field read from VARCHAR column expression `r`. Every kind's value is NULL for a
 * NULL cell and already of the field's storage type. `certain` may be NULL for a cell that is not
 * certain (e.g. a failed TRY_CAST): callers test it with IS TRUE.
 */
export function sqlCell(field: FieldDef, r: string, options: ConvertOptions = {}): SqlCell {
  const kind = kindCell(field, r, options);
  const empty = emptyCell(r);
  return {
    value: kind.value,
    certain: field.required ? `(NOT ${empty} AND ${kind.certain})` : `(${empty} OR (${kind.certain}))`,
  };
}
