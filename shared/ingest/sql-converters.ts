import { type StorageType, storageType } from './datasets.ts';
import { type ConvertOptions, type FieldDef, FLOWS } from './fields.ts';

/**
 * SQL renditions of the field converters in fields.ts, for the bulk (DuckDB) ingest path. They do not
 * re-implement validation: each field has a pattern (plus, for a few kinds, a cheap extra condition)
 * that only cells in a plain form match, whose canonical value is beyond doubt (e.g. a date in one of
 * three unambiguous forms), and the value for those cells. A row with any cell that is not certain is
 * handed to the JS converters, which stay the one authority on what is valid and on every rejection
 * reason. test/unit/ingest/sql-converters.test.ts checks every certain cell against the JS converter.
 *
 * Cells arrive as VARCHAR (DuckDB's CSV number parser accepts "1_000" and "+-1", which JS rejects),
 * with '', NA and NULL already NULL (the reader's nullstr, quoted or not).
 */
export interface SqlCell {
  /** The canonical value (NULL for an empty cell), of the field's storage type. */
  value: string;
  /** True (never just non-false) when `value` is exactly what the JS converter returns for the cell. */
  certain: string;
}

interface KindSql {
  value: string;
  /** RE2 pattern a certain non-empty cell matches in full; never matches '' nor the unit separator. */
  pattern: string;
  /** A further condition on a non-empty cell (NULL counts as not certain). */
  extra?: string;
}

/** Separates cells when a row's patterns are matched in one call (a cell holding it is never certain). */
const UNIT_SEPARATOR = 'chr(31)';

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

/** `e` equals one of the values, as an OR chain (DuckDB turns long IN lists into joins). */
function anyOf(e: string, values: readonly string[]): string {
  return `(${values.map((v) => `${e} = ${sqlString(v)}`).join(' OR ')})`;
}

/** An ASCII-only case-insensitive pattern for a literal (RE2's (?i) also folds ſ to s and K to k). */
function caseless(word: string): string {
  return [...word]
    .map((ch) =>
      /[a-z]/i.test(ch)
        ? `[${ch.toUpperCase()}${ch.toLowerCase()}]`
        : ch.replace(/[.\\+*?()[\]{}|^$-]/g, '\\$&'),
    )
    .join('');
}

/**
 * A first or last character JavaScript's trim certainly keeps: printable ASCII or U+00A1..U+167F (Latin
 * to Canadian syllabics). Any other edge character leaves the cell to JS.
 */
const PLAIN_EDGE = '[!-~\\x{A1}-\\x{167F}]';

function kindSql(field: FieldDef, r: string, options: ConvertOptions): KindSql {
  switch (field.kind) {
    case 'text':
    case 'identifier':
      // ≤ 128 bytes is ≤ 128 code points, so ≤ 256 UTF-16 units, the JS limit.
      return {
        value: r,
        pattern: `${PLAIN_EDGE}(?:[^\\x1f]*${PLAIN_EDGE})?`,
        extra: `strlen(${r}) <= 128`,
      };
    case 'code':
      return {
        value: r,
        pattern: '[A-Za-z0-9_./-](?:[A-Za-z0-9_. /-]*[A-Za-z0-9_./-])?',
        extra: `strlen(${r}) <= 64`,
      };
    case 'count':
      return { value: `TRY_CAST(${r} AS INTEGER)`, pattern: '[0-9]{1,9}' };
    // Plain decimals only, which DuckDB's and JS's parsers both round correctly to the same double;
    // at most 300 characters, so never past the largest double (which JS rejects as not finite).
    case 'amount':
      return {
        value: `TRY_CAST(${r} AS DOUBLE)`,
        pattern: '[0-9]+(?:\\.[0-9]+)?',
        extra: `strlen(${r}) <= 300`,
      };
    case 'number':
      return {
        value: `TRY_CAST(${r} AS DOUBLE)`,
        pattern: '-?[0-9]+(?:\\.[0-9]+)?',
        extra: `strlen(${r}) <= 300`,
      };
    case 'date': {
      // The three forms the built-in layouts use, and D/M/YYYY or M/D/YYYY when the layout says which;
      // everything else (and every invalid date) goes to JS. For a cell matching one of the patterns,
      // length, dash and slash positions pick the same form.
      // Two digits compare as text as they do as numbers (00-69: 20xx, 70-99: 19xx).
      const century = (yy: string) => `(CASE WHEN ${yy} < '70' THEN '20' ELSE '19' END)`;
      const months = `['jan','feb','mar','apr','may','jun','jul','aug','sep','oct','nov','dec']`;
      const slash =
        options.dateFormat === 'DD/MM/YYYY'
          ? '%d/%m/%Y'
          : options.dateFormat === 'MM/DD/YYYY'
            ? '%m/%d/%Y'
            : '';
      const d = `(CASE
        WHEN length(${r}) = 10 AND substr(${r}, 5, 1) = '-' THEN TRY_CAST(${r} AS DATE)
        WHEN length(${r}) = 8 AND substr(${r}, 3, 1) = '-' AND substr(${r}, 6, 1) = '-'
          THEN TRY_CAST(${century(`left(${r}, 2)`)} || ${r} AS DATE)
        ${slash ? `WHEN contains(${r}, '/') THEN CAST(try_strptime(${r}, '${slash}') AS DATE)` : ''}
        ELSE TRY_CAST(
          ${century(`right(${r}, 2)`)} || right(${r}, 2) || '-' ||
          lpad(CAST(list_position(${months}, lower(regexp_extract(${r}, '[A-Za-z]{3}'))) AS VARCHAR), 2, '0') || '-' ||
          lpad(regexp_extract(${r}, '^[0-9]+'), 2, '0') AS DATE)
      END)`;
      const forms = [
        '[0-9]{4}-[0-9]{2}-[0-9]{2}',
        '[0-9]{2}-[0-9]{2}-[0-9]{2}',
        '[0-9]{1,2}-[A-Za-z]{3}-[0-9]{2}',
      ];
      if (slash) forms.push('[0-9]{1,2}/[0-9]{1,2}/[0-9]{4}');
      return {
        value: d,
        pattern: `(?:${forms.join('|')})`,
        extra: `year(${d}) BETWEEN 1900 AND 2100`,
      };
    }
    case 'hs': {
      // Digit counts JS accepts: min..12 once a code one digit short of hsLength is left-padded.
      const min = field.minDigits ?? 2;
      const len = options.hsLength;
      const ok = (n: number) => {
        const padded = len && n === len - 1 ? len : n;
        return padded >= min && padded <= 12;
      };
      const counts = Array.from({ length: 13 }, (_, n) => n).filter((n) => n > 0 && ok(n));
      return {
        value: len ? `(CASE WHEN length(${r}) = ${len - 1} THEN '0' || ${r} ELSE ${r} END)` : r,
        pattern: `(?:${counts.map((n) => `[0-9]{${n}}`).join('|')})`,
      };
    }
    case 'country':
      return { value: `upper(${r})`, pattern: '(?:[0-9]{1,3}|[A-Za-z0-9]{2,12})' };
    case 'flag': {
      const ones = ['1', 'true', 'yes', 'y', '1.0'];
      const zeros = ['0', 'false', 'no', 'n', '0.0'];
      return {
        value: `(CASE WHEN ${anyOf(`lower(${r})`, ones)} THEN 1 WHEN ${r} IS NOT NULL THEN 0 END)`,
        pattern: `(?:${[...ones, ...zeros].map(caseless).join('|')})`,
      };
    }
    case 'year':
      return { value: `TRY_CAST(${r} AS INTEGER)`, pattern: '(?:19[0-9]{2}|20[0-9]{2}|2100)' };
    case 'month':
      return { value: `TRY_CAST(${r} AS INTEGER)`, pattern: '(?:0?[1-9]|1[0-2])' };
    case 'currency':
      return { value: `upper(${r})`, pattern: '[A-Za-z]{3}' };
    case 'flow': {
      const cases = Object.entries(FLOWS)
        .map(([k, v]) => `WHEN ${sqlString(k)} THEN ${sqlString(v)}`)
        .join(' ');
      return {
        value: `(CASE lower(${r}) ${cases} END)`,
        pattern: `(?:${Object.keys(FLOWS).map(caseless).join('|')})`,
      };
    }
  }
}

export interface SqlColumn {
  field: FieldDef;
  /** The VARCHAR column expression holding the field's cell. */
  r: string;
}

/** The value and certainty of one cell. */
export function sqlCell(field: FieldDef, r: string, options: ConvertOptions = {}): SqlCell {
  return { value: kindSql(field, r, options).value, certain: sqlRowCertain([{ field, r }], options) };
}

/**
 * True when every cell of the row is certain. One regular-expression match over the row's cells joined
 * by the unit separator costs far less than one per cell (measured: about a third of the bulk path's
 * CPU went to per-cell checks); the few extra conditions are plain comparisons.
 */
export function sqlRowCertain(columns: readonly SqlColumn[], options: ConvertOptions = {}): string {
  if (columns.length === 0) return 'true';
  const parts = columns.map(({ field, r }) => ({ field, r, ...kindSql(field, r, options) }));
  const pattern = parts
    .map((p) => (p.field.required ? `(?:${p.pattern})` : `(?:${p.pattern})?`))
    .join('\\x1f');
  const joined = `concat(${parts.map((p) => p.r).join(`, ${UNIT_SEPARATOR}, `)})`;
  const extras = parts.flatMap((p) => (p.extra ? [`(${p.r} IS NULL OR ${p.extra})`] : []));
  return `coalesce(regexp_full_match(${joined}, ${sqlString(pattern)})${extras.map((e) => ` AND ${e}`).join('')}, false)`;
}
