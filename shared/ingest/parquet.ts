import { ByteWriter, parquetWrite } from 'hyparquet-writer';
import { type StorageType, storageType } from './datasets.ts';
import { epochDays, type FieldDef } from './fields.ts';

type SchemaElement = Parameters<typeof parquetWrite>[0]['schema'] extends (infer S)[] | undefined ? S : never;

function schemaElement(name: string, type: StorageType): SchemaElement {
  switch (type) {
    case 'STRING':
      return { name, type: 'BYTE_ARRAY', converted_type: 'UTF8', repetition_type: 'OPTIONAL' };
    case 'INT32':
      return { name, type: 'INT32', repetition_type: 'OPTIONAL' };
    case 'DOUBLE':
      return { name, type: 'DOUBLE', repetition_type: 'OPTIONAL' };
    case 'DATE':
      return { name, type: 'INT32', converted_type: 'DATE', repetition_type: 'OPTIONAL' };
  }
}

/**
 * Column buffers for one Parquet file: rows are appended field by field (no per-row objects kept),
 * then encoded in one go. Pure JS (hyparquet-writer), so it runs in Lambda without native binaries.
 */
export class ColumnBuffer {
  readonly fields: readonly FieldDef[];
  private readonly types: StorageType[];
  private columns: unknown[][];
  length = 0;

  constructor(fields: readonly FieldDef[]) {
    this.fields = fields;
    this.types = fields.map(storageType);
    this.columns = fields.map(() => []);
  }

  /** Appends one row given as values in field order. */
  push(values: unknown[]): void {
    const { fields, types, columns } = this;
    for (let i = 0; i < fields.length; i++) {
      const v = values[i];
      columns[i].push(
        v === null || v === undefined ? null : types[i] === 'DATE' ? epochDays(v as string) : v,
      );
    }
    this.length++;
  }

  /** Encodes the buffered rows as one Parquet file (snappy) and empties the buffer. */
  encode(kvMetadata: Record<string, string> = {}): Uint8Array {
    const writer = new ByteWriter();
    parquetWrite({
      writer,
      columnData: this.fields.map((f, i) => ({ name: f.name, data: this.columns[i] as never })),
      schema: [
        { name: 'root', num_children: this.fields.length },
        ...this.fields.map((f, i) => schemaElement(f.name, this.types[i])),
      ],
      rowGroupSize: 100_000,
      kvMetadata: Object.entries(kvMetadata).map(([key, value]) => ({ key, value })),
      createdBy: 'bacuda ingest',
    });
    this.columns = this.fields.map(() => []);
    this.length = 0;
    return writer.getBytes();
  }
}
