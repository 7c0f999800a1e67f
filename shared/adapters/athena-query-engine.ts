import { setTimeout as sleep } from 'node:timers/promises';
import {
  type AthenaClient,
  type ColumnInfo,
  GetQueryExecutionCommand,
  GetQueryResultsCommand,
  StartQueryExecutionCommand,
  StopQueryExecutionCommand,
} from '@aws-sdk/client-athena';
import { type QueryEngine, QueryFailedError, type Row, type SqlValue } from '../ports/query-engine.ts';

export interface AthenaQueryEngineOptions {
  workGroup: string;
  database: string;
  /** Give up (and stop the query) after this long. */
  deadlineMs?: number;
  /** First poll delay; doubles up to maxPollMs. */
  initialPollMs?: number;
  maxPollMs?: number;
  /** Attempts for calls Athena throttles (TooManyRequestsException, ThrottlingException). */
  maxThrottleRetries?: number;
}

const THROTTLING = new Set(['TooManyRequestsException', 'ThrottlingException', 'ThrottledException']);

/** QueryEngine on Athena: bound ExecutionParameters, a workgroup that enforces its settings, paged results. */
export class AthenaQueryEngine implements QueryEngine {
  private readonly athena: AthenaClient;
  private readonly opts: Required<AthenaQueryEngineOptions>;

  constructor(athena: AthenaClient, options: AthenaQueryEngineOptions) {
    this.athena = athena;
    this.opts = {
      deadlineMs: 5 * 60_000,
      initialPollMs: 200,
      maxPollMs: 5_000,
      maxThrottleRetries: 5,
      ...options,
    };
  }

  async query(sql: string, params: SqlValue[] = [], options?: { signal?: AbortSignal }): Promise<Row[]> {
    const start = await this.withThrottleRetry(() =>
      this.athena.send(
        new StartQueryExecutionCommand({
          QueryString: sql,
          WorkGroup: this.opts.workGroup,
          QueryExecutionContext: { Database: this.opts.database },
          ExecutionParameters: params.length ? params.map(toAthenaLiteral) : undefined,
        }),
      ),
    );
    const id = start.QueryExecutionId;
    if (!id) throw new QueryFailedError('Athena returned no QueryExecutionId', 'FAILED');
    await this.waitForSuccess(id, options?.signal);
    return this.readResults(id);
  }

  private async waitForSuccess(id: string, signal?: AbortSignal): Promise<void> {
    const deadline = Date.now() + this.opts.deadlineMs;
    let delay = this.opts.initialPollMs;
    for (;;) {
      const res = await this.withThrottleRetry(() =>
        this.athena.send(new GetQueryExecutionCommand({ QueryExecutionId: id })),
      );
      const status = res.QueryExecution?.Status;
      const state = status?.State ?? 'UNKNOWN';
      if (state === 'SUCCEEDED') return;
      if (state === 'FAILED' || state === 'CANCELLED') {
        const reason = status?.AthenaError?.ErrorMessage ?? status?.StateChangeReason ?? 'no reason given';
        throw new QueryFailedError(`Athena query ${id} ${state.toLowerCase()}: ${reason}`, state, id);
      }
      if (Date.now() + delay > deadline || signal?.aborted) {
        await this.athena
          .send(new StopQueryExecutionCommand({ QueryExecutionId: id }))
          .catch(() => undefined);
        const why = signal?.aborted ? 'was aborted' : `exceeded its ${this.opts.deadlineMs} ms deadline`;
        throw new QueryFailedError(`Athena query ${id} ${why}`, 'TIMEOUT', id);
      }
      await sleep(delay);
      delay = Math.min(delay * 2, this.opts.maxPollMs);
    }
  }

  private async readResults(id: string): Promise<Row[]> {
    const rows: Row[] = [];
    let columns: ColumnInfo[] | undefined;
    let token: string | undefined;
    let first = true;
    do {
      const page = await this.withThrottleRetry(() =>
        this.athena.send(
          new GetQueryResultsCommand({ QueryExecutionId: id, NextToken: token, MaxResults: 1000 }),
        ),
      );
      columns ??= page.ResultSet?.ResultSetMetadata?.ColumnInfo ?? [];
      const data = page.ResultSet?.Rows ?? [];
      // Only the first page starts with the header row.
      for (const r of first ? data.slice(1) : data) {
        const row: Row = {};
        columns.forEach((c, i) => {
          row[c.Name ?? `_${i}`] = fromAthena(r.Data?.[i]?.VarCharValue, c.Type);
        });
        rows.push(row);
      }
      first = false;
      token = page.NextToken;
    } while (token);
    return rows;
  }

  private async withThrottleRetry<T>(call: () => Promise<T>): Promise<T> {
    for (let attempt = 0; ; attempt++) {
      try {
        return await call();
      } catch (err) {
        if (!THROTTLING.has((err as Error).name) || attempt >= this.opts.maxThrottleRetries) throw err;
        // Full jitter keeps many concurrent callers from retrying in lock-step.
        await sleep(Math.random() * Math.min(this.opts.maxPollMs, 100 * 2 ** attempt));
      }
    }
  }

  async close(): Promise<void> {}
}

/**
 * Athena execution parameters are SQL expressions, not values: strings must be quoted here.
 * Named queries validate every value before it gets this far.
 */
export function toAthenaLiteral(v: SqlValue): string {
  if (v === null) return 'NULL';
  if (typeof v === 'boolean') return v ? 'TRUE' : 'FALSE';
  if (typeof v === 'number') {
    if (!Number.isFinite(v)) throw new Error(`cannot bind non-finite number ${v}`);
    return String(v);
  }
  return `'${v.replaceAll("'", "''")}'`;
}

function fromAthena(value: string | undefined, type: string | undefined): SqlValue {
  if (value === undefined) return null;
  switch (type) {
    case 'tinyint':
    case 'smallint':
    case 'integer':
    case 'bigint':
    case 'double':
    case 'float':
    case 'real':
    case 'decimal':
      return Number(value);
    case 'boolean':
      return value === 'true';
    default:
      return value;
  }
}
