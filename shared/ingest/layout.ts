import { type Converter, type DateFormat, type FieldDef, Invalid, makeConverter } from './fields.ts';

/**
 * A column mapping: how one file layout's columns map onto a dataset's canonical fields. The built-in
 * layouts (WCO BACUDA synthetic, WCO raw, KCS, Comtrade, ...) are mappings, and an administration
 * registers its own layout with exactly the same JSON shape (see docs/declaration-schema.md).
 */
export interface ColumnMapping {
  /** Short name recorded in manifests as the file's format, e.g. "wco-bacuda-synthetic". */
  name: string;
  description?: string;
  /**
   * Header columns that identify the layout; every one must be present. Matching ignores case, spaces
   * and punctuation ("SGD.NUMBER" = "sgd_number").
   */
  detect: string[];
  /** Canonical field → column name, or alternatives (the first present wins). */
  columns: Record<string, string | string[]>;
  dateFormat?: DateFormat;
  /** Left-pad tariff codes that lost one leading zero to this many digits. */
  hsLength?: number;
}

/**
 * The JSON shape of a registered mapping. zod is imported when a mapping is first checked, not with the
 * module: every ingest loads this module, few ingests carry a mapping (and the import costs ~80 ms).
 */
let mappingSchema: ReturnType<typeof buildMappingSchema> | undefined;
function columnMappingSchema() {
  mappingSchema ??= buildMappingSchema();
  return mappingSchema;
}
async function buildMappingSchema() {
  const { z } = await import('zod');
  return z.object({
    name: z
      .string()
      .regex(/^[a-z0-9][a-z0-9._-]{0,63}$/, 'lower-case letters, digits, ".", "_" or "-" (max 64)'),
    description: z.string().optional(),
    detect: z.array(z.string().min(1)).min(1),
    columns: z.record(z.string(), z.union([z.string().min(1), z.array(z.string().min(1)).min(1)])),
    dateFormat: z.enum(['auto', 'DD/MM/YYYY', 'MM/DD/YYYY']).optional(),
    hsLength: z.number().int().min(2).max(12).optional(),
  });
}

export interface RowError {
  /** Canonical field, or "*" for the row as a whole. */
  field: string;
  /** Source column, when the error is about one cell. */
  column?: string;
  message: string;
}

/**
 * One converted row: canonical values in the dataset's field order (null where missing or invalid) plus
 * every problem found. Positional rather than keyed: building a 26-key object per row cost a quarter of
 * the read time in profiles.
 */
export interface ConvertedRow {
  values: unknown[];
  errors: RowError[];
}

export interface CompiledLayout {
  mapping: ColumnMapping;
  header: string[];
  /** Each canonical field (dataset order) and the header position it is read from (-1: default). */
  plan: readonly { field: FieldDef; at: number }[];
  convert(cells: string[]): ConvertedRow;
}

/** Lower-case letters and digits only, so header spellings compare equal across tools. */
export function normaliseColumn(name: string): string {
  return name.toLowerCase().replace(/[^a-z0-9]/g, '');
}

function alternatives(spec: string | string[]): string[] {
  return Array.isArray(spec) ? spec : [spec];
}

/**
 * Picks the mapping whose detect columns all appear in the header; with several, the one naming the
 * most columns (the most specific) wins.
 */
export function detectLayout(
  header: string[],
  mappings: readonly ColumnMapping[],
): ColumnMapping | undefined {
  const present = new Set(header.map(normaliseColumn));
  let best: ColumnMapping | undefined;
  for (const m of mappings) {
    if (!m.detect.every((c) => present.has(normaliseColumn(c)))) continue;
    if (!best || m.detect.length > best.detect.length) best = m;
  }
  return best;
}

export class LayoutError extends Error {
  constructor(message: string) {
    super(message);
    this.name = 'LayoutError';
  }
}

/**
 * Checks a mapping against a dataset's fields (every key a known field, every required field mapped)
 * and returns it typed, or throws LayoutError with every problem.
 */
export async function validateMapping(input: unknown, fields: readonly FieldDef[]): Promise<ColumnMapping> {
  const parsed = (await columnMappingSchema()).safeParse(input);
  if (!parsed.success) {
    throw new LayoutError(
      `invalid column mapping: ${parsed.error.issues.map((i) => `${i.path.join('.') || '(root)'}: ${i.message}`).join('; ')}`,
    );
  }
  const mapping = parsed.data as ColumnMapping;
  const known = new Set(fields.map((f) => f.name));
  const problems: string[] = [];
  for (const key of Object.keys(mapping.columns))
    if (!known.has(key)) problems.push(`unknown field "${key}"`);
  for (const f of fields)
    if (f.required && !(f.name in mapping.columns) && f.default === undefined)
      problems.push(`required field "${f.name}" is not mapped`);
  if (problems.length) throw new LayoutError(`column mapping "${mapping.name}": ${problems.join('; ')}`);
  return mapping;
}

/** Binds a mapping to a file's header: column positions and one converter per canonical field. */
export function compileLayout(
  mapping: ColumnMapping,
  header: string[],
  fields: readonly FieldDef[],
): CompiledLayout {
  const index = new Map<string, number>();
  header.forEach((h, i) => {
    const key = normaliseColumn(h);
    if (!index.has(key)) index.set(key, i);
  });
  const plan: {
    field: FieldDef;
    name: string;
    column: string;
    at: number;
    convert: Converter;
    fallback: unknown;
  }[] = [];
  const missingRequired: string[] = [];
  for (const f of fields) {
    const spec = mapping.columns[f.name];
    let at = -1;
    let column = '';
    if (spec !== undefined) {
      for (const alt of alternatives(spec)) {
        const i = index.get(normaliseColumn(alt));
        if (i !== undefined) {
          at = i;
          column = header[i];
          break;
        }
      }
    }
    if (at < 0 && f.required && f.default === undefined) missingRequired.push(f.name);
    plan.push({
      field: f,
      name: f.name,
      column,
      at,
      convert: makeConverter(f, { dateFormat: mapping.dateFormat, hsLength: mapping.hsLength }),
      fallback: f.default ?? null,
    });
  }
  if (missingRequired.length) {
    throw new LayoutError(
      `layout "${mapping.name}": the header has no column for required field(s) ${missingRequired.join(', ')}`,
    );
  }
  const width = header.length;
  return {
    mapping,
    header,
    plan,
    convert(cells: string[]): ConvertedRow {
      const values: unknown[] = new Array(plan.length);
      let errors: RowError[] | undefined;
      if (cells.length !== width) {
        errors = [{ field: '*', message: `expected ${width} fields, found ${cells.length}` }];
      }
      for (let k = 0; k < plan.length; k++) {
        const p = plan[k];
        if (p.at < 0) {
          values[k] = p.fallback;
          continue;
        }
        const v = p.convert(cells[p.at] ?? '');
        if (v instanceof Invalid) {
          values[k] = null;
          if (!errors) errors = [];
          errors.push({ field: p.name, column: p.column, message: v.message });
        } else {
          values[k] = v;
        }
      }
      return { values, errors: errors ?? NO_ERRORS };
    },
  };
}

const NO_ERRORS: RowError[] = Object.freeze([]) as unknown as RowError[];

/** Formats a row's errors as one quarantine reason. */
export function describeErrors(errors: RowError[]): string {
  return errors.map((e) => (e.column ? `${e.field} (${e.column}): ${e.message}` : e.message)).join('; ');
}

/**
 * Builds objects from positional values with one fixed shape (a generated object literal), which V8
 * handles far faster than keys added one by one. Field names come from dataset definitions, never input.
 */
export function recordBuilder<T>(names: readonly string[]): (values: unknown[]) => T {
  for (const n of names) if (!/^[A-Za-z_][A-Za-z0-9_]*$/.test(n)) throw new Error(`bad field name ${n}`);
  const body = `return { ${names.map((n, i) => `${n}: v[${i}]`).join(', ')} };`;
  return new Function('v', body) as (values: unknown[]) => T;
}
