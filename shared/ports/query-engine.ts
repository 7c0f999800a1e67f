/**
 * Runs SQL over the curated lake: Athena (Trino) in the cloud, DuckDB on one machine.
 * Only named queries reach it (see shared/queries/); values are always bound, never spliced.
 */
export type SqlValue = string | number | boolean | null;
export type Row = Record<string, SqlValue>;

export interface QueryEngine {
  /**
   * Runs one statement with positional `?` parameters and returns all rows.
   * Column values come back as JS numbers/strings/booleans/null (bigints are narrowed to numbers).
   */
  query(sql: string, params?: SqlValue[], options?: { signal?: AbortSignal }): Promise<Row[]>;
  close(): Promise<void>;
}

export class QueryFailedError extends Error {
  readonly state: string;
  readonly queryId?: string;
  constructor(message: string, state: string, queryId?: string) {
    super(message);
    this.name = 'QueryFailedError';
    this.state = state;
    this.queryId = queryId;
  }
}
