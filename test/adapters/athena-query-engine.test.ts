import {
  AthenaClient,
  GetQueryExecutionCommand,
  GetQueryResultsCommand,
  StartQueryExecutionCommand,
  StopQueryExecutionCommand,
  TooManyRequestsException,
} from '@aws-sdk/client-athena';
import { mockClient } from 'aws-sdk-client-mock';
import { beforeEach, describe, expect, it } from 'vitest';
import { AthenaQueryEngine, toAthenaLiteral } from '../../shared/adapters/athena-query-engine.ts';
import { QueryFailedError } from '../../shared/ports/query-engine.ts';

const athena = mockClient(AthenaClient);
const fast = { workGroup: 'bacuda', database: 'lake', initialPollMs: 1, maxPollMs: 2 };

const columns = [
  { Name: 'month', Type: 'varchar' },
  { Name: 'count', Type: 'bigint' },
];
const row = (...v: (string | undefined)[]) => ({
  Data: v.map((x) => (x === undefined ? {} : { VarCharValue: x })),
});

describe('AthenaQueryEngine', () => {
  beforeEach(() => athena.reset());

  it('binds parameters, uses the workgroup, polls until SUCCEEDED and drops the header row', async () => {
    // Prepare
    athena.on(StartQueryExecutionCommand).resolves({ QueryExecutionId: 'q1' });
    athena
      .on(GetQueryExecutionCommand)
      .resolvesOnce({ QueryExecution: { Status: { State: 'QUEUED' } } })
      .resolvesOnce({ QueryExecution: { Status: { State: 'RUNNING' } } })
      .resolves({ QueryExecution: { Status: { State: 'SUCCEEDED' } } });
    athena.on(GetQueryResultsCommand).resolves({
      ResultSet: {
        ResultSetMetadata: { ColumnInfo: columns },
        Rows: [row('month', 'count'), row('2013-01', '42')],
      },
    });
    const engine = new AthenaQueryEngine(new AthenaClient({}), fast);
    // Act
    const rows = await engine.query(
      'SELECT month, count(*) AS count FROM declarations WHERE administration = ?',
      ["XAA'; DROP TABLE x; --"],
    );
    // Assess
    expect(rows).toEqual([{ month: '2013-01', count: 42 }]);
    expect(athena).toHaveReceivedCommandWith(StartQueryExecutionCommand, {
      WorkGroup: 'bacuda',
      QueryExecutionContext: { Database: 'lake' },
      ExecutionParameters: ["'XAA''; DROP TABLE x; --'"],
    });
    expect(athena).toHaveReceivedCommandTimes(GetQueryExecutionCommand, 3);
  });

  it('pages through GetQueryResults; only the first page carries the header', async () => {
    athena.on(StartQueryExecutionCommand).resolves({ QueryExecutionId: 'q2' });
    athena.on(GetQueryExecutionCommand).resolves({ QueryExecution: { Status: { State: 'SUCCEEDED' } } });
    athena
      .on(GetQueryResultsCommand, { QueryExecutionId: 'q2', NextToken: undefined })
      .resolves({
        ResultSet: {
          ResultSetMetadata: { ColumnInfo: columns },
          Rows: [row('month', 'count'), row('2013-01', '1')],
        },
        NextToken: 'page2',
      })
      .on(GetQueryResultsCommand, { QueryExecutionId: 'q2', NextToken: 'page2' })
      .resolves({
        ResultSet: {
          ResultSetMetadata: { ColumnInfo: columns },
          Rows: [row('2013-02', '2'), row(undefined, '3')],
        },
      });
    const rows = await new AthenaQueryEngine(new AthenaClient({}), fast).query('SELECT 1');
    expect(rows).toEqual([
      { month: '2013-01', count: 1 },
      { month: '2013-02', count: 2 },
      { month: null, count: 3 },
    ]);
  });

  it('surfaces the failure reason of a FAILED query', async () => {
    athena.on(StartQueryExecutionCommand).resolves({ QueryExecutionId: 'q3' });
    athena.on(GetQueryExecutionCommand).resolves({
      QueryExecution: {
        Status: {
          State: 'FAILED',
          AthenaError: { ErrorMessage: "COLUMN_NOT_FOUND: line 1:8: Column 'x' cannot be resolved" },
        },
      },
    });
    const err = await new AthenaQueryEngine(new AthenaClient({}), fast).query('SELECT x').catch((e) => e);
    expect(err).toBeInstanceOf(QueryFailedError);
    expect(err.state).toBe('FAILED');
    expect(err.message).toContain('COLUMN_NOT_FOUND');
  });

  it('reports a CANCELLED query with its state change reason', async () => {
    athena.on(StartQueryExecutionCommand).resolves({ QueryExecutionId: 'q4' });
    athena.on(GetQueryExecutionCommand).resolves({
      QueryExecution: { Status: { State: 'CANCELLED', StateChangeReason: 'Query cancelled by user' } },
    });
    await expect(new AthenaQueryEngine(new AthenaClient({}), fast).query('SELECT 1')).rejects.toMatchObject({
      state: 'CANCELLED',
      message: expect.stringContaining('cancelled by user'),
    });
  });

  it('retries throttled calls with backoff, then succeeds', async () => {
    const throttled = new TooManyRequestsException({ message: 'Rate exceeded', $metadata: {} });
    athena
      .on(StartQueryExecutionCommand)
      .rejectsOnce(throttled)
      .rejectsOnce(throttled)
      .resolves({ QueryExecutionId: 'q5' });
    athena.on(GetQueryExecutionCommand).resolves({ QueryExecution: { Status: { State: 'SUCCEEDED' } } });
    athena
      .on(GetQueryResultsCommand)
      .resolves({ ResultSet: { ResultSetMetadata: { ColumnInfo: [] }, Rows: [] } });
    await expect(new AthenaQueryEngine(new AthenaClient({}), fast).query('SELECT 1')).resolves.toEqual([]);
    expect(athena).toHaveReceivedCommandTimes(StartQueryExecutionCommand, 3);
  });

  it('gives up on persistent throttling', async () => {
    athena
      .on(StartQueryExecutionCommand)
      .rejects(new TooManyRequestsException({ message: 'Rate exceeded', $metadata: {} }));
    const engine = new AthenaQueryEngine(new AthenaClient({}), { ...fast, maxThrottleRetries: 2 });
    await expect(engine.query('SELECT 1')).rejects.toThrow('Rate exceeded');
    expect(athena).toHaveReceivedCommandTimes(StartQueryExecutionCommand, 3);
  });

  it('stops the query and fails when the deadline passes', async () => {
    athena.on(StartQueryExecutionCommand).resolves({ QueryExecutionId: 'q6' });
    athena.on(GetQueryExecutionCommand).resolves({ QueryExecution: { Status: { State: 'RUNNING' } } });
    athena.on(StopQueryExecutionCommand).resolves({});
    const engine = new AthenaQueryEngine(new AthenaClient({}), { ...fast, deadlineMs: 20 });
    await expect(engine.query('SELECT 1')).rejects.toMatchObject({ state: 'TIMEOUT' });
    expect(athena).toHaveReceivedCommandWith(StopQueryExecutionCommand, { QueryExecutionId: 'q6' });
  });
});

describe('toAthenaLiteral', () => {
  it('quotes strings and escapes quotes, passes numbers and booleans', () => {
    expect(toAthenaLiteral("O'Brien")).toBe("'O''Brien'");
    expect(toAthenaLiteral(12.5)).toBe('12.5');
    expect(toAthenaLiteral(true)).toBe('TRUE');
    expect(toAthenaLiteral(null)).toBe('NULL');
    expect(() => toAthenaLiteral(Number.NaN)).toThrow();
  });
});
