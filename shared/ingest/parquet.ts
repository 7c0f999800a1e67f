import type { parquetWrite } from 'hyparquet-writer';
import { type StorageType, storageType } from './datasets.ts';
import { epochDays, type FieldDef } from './fields.ts';

type SchemaElement = Parameters<typeof parquetWrite>[0]['schema'] extends (infer S)[] | undefined ? S : never;

/** What the encoder needs to know of each column: enough to cross a worker boundary as plain data. */
export interface ColumnSpec {
  name: string;
  type: StorageType;
  /** Valid rows always have a value: REQUIRED in Parquet, which skips definition levels. */
  required: boolean;
  /** Min/max statistics let Athena and DuckDB skip row groups; kept only where queries filter. */
  statistics: boolean;
}

/** Columns queries filter on: worth min/max statistics (not pseudonyms: random, so min/max prune nothing). */
const STATISTICS_FIELDS = new Set(['date', 'hsCode', 'validFrom', 'refYear', 'reporter']);

export function columnSpecs(fields: readonly FieldDef[]): ColumnSpec[] {
  return fields.map((f) => ({
    name: f.name,
    type: storageType(f),
    required: f.required === true,
    statistics: STATISTICS_FIELDS.has(f.name),
  }));
}

function schemaElement(c: ColumnSpec): SchemaElement {
  const repetition_type = c.required ? 'REQUIRED' : 'OPTIONAL';
  switch (c.type) {
    case 'STRING':
      return { name: c.name, type: 'BYTE_ARRAY', converted_type: 'UTF8', repetition_type };
    case 'INT32':
      return { name: c.name, type: 'INT32', repetition_type };
    case 'DOUBLE':
      return { name: c.name, type: 'DOUBLE', repetition_type };
    case 'DATE':
      return { name: c.name, type: 'INT32', converted_type: 'DATE', repetition_type };
  }
}

/**
 * Encodes columns as one Parquet file (snappy, pure JS via hyparquet-writer: no native code in Lambda).
 * hyparquet-writer is imported on first use: the bulk ingest path never needs it.
 */
export async function encodeParquet(
  specs: readonly ColumnSpec[],
  columns: unknown[][],
  kvMetadata: Record<string, string> = {},
): Promise<Uint8Array> {
  const { ByteWriter, parquetWrite } = await import('hyparquet-writer');
  const writer = new ByteWriter();
  parquetWrite({
    writer,
    columnData: specs.map((c, i) => ({ name: c.name, data: columns[i] as never, statistics: c.statistics })),
    schema: [{ name: 'root', num_children: specs.length }, ...specs.map(schemaElement)],
    rowGroupSize: 1_000_000,
    kvMetadata: Object.entries(kvMetadata).map(([key, value]) => ({ key, value })),
    createdBy: 'bacuda ingest',
  });
  return writer.getBytes();
}

/** A growable typed column with a null mask: 8 bytes a value instead of a boxed array slot. */
class NumericColumn {
  values: Float64Array | Int32Array;
  nulls: Uint8Array;
  nullCount = 0;
  private readonly float: boolean;
  constructor(float: boolean, capacity: number) {
    this.float = float;
    this.values = float ? new Float64Array(capacity) : new Int32Array(capacity);
    this.nulls = new Uint8Array(capacity);
  }
  ensure(n: number): void {
    if (n <= this.values.length) return;
    const size = Math.max(n, this.values.length * 2);
    const values = this.float ? new Float64Array(size) : new Int32Array(size);
    values.set(this.values);
    const nulls = new Uint8Array(size);
    nulls.set(this.nulls);
    this.values = values;
    this.nulls = nulls;
  }
  /** The column as hyparquet takes it: the typed array itself when nothing is null. */
  data(length: number): ArrayLike<number | null> {
    if (this.nullCount === 0) return this.values.subarray(0, length);
    const out: (number | null)[] = new Array(length);
    for (let i = 0; i < length; i++) out[i] = this.nulls[i] ? null : this.values[i];
    return out;
  }
}

/**
 * Column buffers for one Parquet file: rows are appended value by value (no per-row objects kept) and
 * handed over as columns when the file is written. Numbers and dates go to typed arrays, which keeps
 * the garbage collector (a tenth of the run time in profiles) out of the way.
 */
export class ColumnBuffer {
  readonly specs: ColumnSpec[];
  private readonly kinds: ('string' | 'number' | 'date')[];
  private strings: (string | null)[][];
  private numbers: (NumericColumn | undefined)[];
  private nonNull: number[];
  private lastDate = '';
  private lastDays = 0;
  length = 0;

  constructor(fields: readonly FieldDef[], capacity = 1024) {
    this.specs = columnSpecs(fields);
    this.kinds = this.specs.map((c) =>
      c.type === 'STRING' ? 'string' : c.type === 'DATE' ? 'date' : 'number',
    );
    this.strings = [];
    this.numbers = [];
    this.nonNull = [];
    this.reset(capacity);
  }

  private reset(capacity: number): void {
    this.strings = this.specs.map(() => []);
    this.numbers = this.specs.map((c) =>
      c.type === 'STRING' ? undefined : new NumericColumn(c.type === 'DOUBLE', capacity),
    );
    this.nonNull = this.specs.map(() => 0);
    this.length = 0;
  }

  /** Appends one row given as values in field order. */
  push(values: unknown[]): void {
    const { kinds, strings, numbers, nonNull } = this;
    const row = this.length;
    for (let i = 0; i < kinds.length; i++) {
      const v = values[i];
      const kind = kinds[i];
      if (kind === 'string') {
        if (v === null || v === undefined) strings[i].push(null);
        else {
          strings[i].push(v as string);
          nonNull[i]++;
        }
        continue;
      }
      const col = numbers[i] as NumericColumn;
      col.ensure(row + 1);
      if (v === null || v === undefined) {
        col.nulls[row] = 1;
        col.nullCount++;
      } else {
        if (kind === 'date') {
          // Uploads are mostly in date order: one conversion per distinct date run.
          if (v !== this.lastDate) {
            this.lastDate = v as string;
            this.lastDays = epochDays(v as string);
          }
          col.values[row] = this.lastDays;
        } else col.values[row] = v as number;
        nonNull[i]++;
      }
    }
    this.length++;
  }

  /**
   * Hands the buffered columns over and starts afresh. Columns with no value at all are left out of the
   * file: a layout without, say, seller IDs would otherwise pay ~20% of encoding time for all-null
   * columns. Readers see them as NULL (Athena reads Parquet by column name; DuckDB's union_by_name
   * takes the full column set from the dataset's schema file, see schemaAnchorKey).
   */
  take(): { specs: ColumnSpec[]; columns: unknown[][] } {
    const keep = this.specs.flatMap((_, i) => (this.nonNull[i] > 0 ? [i] : []));
    const n = this.length;
    const out = {
      specs: keep.map((i) => this.specs[i]),
      columns: keep.map((i) => (this.numbers[i] ? this.numbers[i].data(n) : this.strings[i]) as unknown[]),
    };
    this.reset(Math.max(1024, n));
    return out;
  }
}

/**
 * Turns columns into Parquet bytes. A worker-thread encoder was tried to overlap encoding with parsing:
 * on this 2-core machine it doubled peak RSS (structured clones of the columns) for no reliable gain,
 * so encoding is inline; the port stays so another encoder can be dropped in.
 */
export interface ParquetEncoder {
  encode(specs: ColumnSpec[], columns: unknown[][], kv: Record<string, string>): Promise<Uint8Array>;
  close(): Promise<void>;
}

export class InlineParquetEncoder implements ParquetEncoder {
  async encode(specs: ColumnSpec[], columns: unknown[][], kv: Record<string, string>): Promise<Uint8Array> {
    return encodeParquet(specs, columns, kv);
  }
  async close(): Promise<void> {}
}
