import { afterAll, describe, expect, it } from 'vitest';
import { DuckDbQueryEngine } from '../../../shared/adapters/duckdb-query-engine.ts';
import { localLakeTables } from '../../../shared/ingest/datasets.ts';
import {
  NAMED_QUERIES,
  prepareNamedQuery,
  QueryInputError,
  runNamedQuery,
} from '../../../shared/queries/index.ts';

// An empty store: every lake table is the typed empty view, so each query's SQL is checked by DuckDB.
const engine = new DuckDbQueryEngine(localLakeTables('/nonexistent-bacuda-store'));
afterAll(() => engine.close());

describe('named queries', () => {
  it('every query runs on DuckDB, with and without its optional parameters', async () => {
    const samples: Record<string, string> = {
      from: '2013-01-01',
      to: '2013-12-31',
      year: '2013',
      hsPrefix: '8703',
      flow: 'import',
      on: '2020-01-01',
      currency: 'USD',
    };
    for (const q of NAMED_QUERIES.values()) {
      await expect(runNamedQuery(engine, q.name, 'XAA'), q.name).resolves.toBeInstanceOf(Array);
      const all = Object.fromEntries(Object.keys(q.params.shape).map((k) => [k, samples[k]]));
      await expect(runNamedQuery(engine, q.name, 'XAA', all), q.name).resolves.toBeInstanceOf(Array);
    }
    expect(await runNamedQuery(engine, 'declarations.count', 'XAA')).toEqual([{ count: 0 }]);
  });

  it('scopes every query to the administration, bound first, and binds every value', () => {
    for (const q of NAMED_QUERIES.values()) {
      const { sql, values } = prepareNamedQuery(q.name, 'XAA', {});
      expect(sql).toContain('administration = ?');
      expect(values[0]).toBe('XAA');
      // Portable subset: no DuckDB-only integer division or date formatting.
      expect(sql).not.toMatch(/\/\/|strftime|strptime|date_format|::/);
    }
    const { sql, values } = prepareNamedQuery('declarations.top-importers', 'XAA', { hsPrefix: '87' });
    expect(sql).not.toContain('87');
    expect(values).toEqual(['XAA', '87%']);
  });

  it('rejects unknown queries, bad administrations and bad or unknown parameters', () => {
    expect(() => prepareNamedQuery('drop.table', 'XAA', {})).toThrow(QueryInputError);
    expect(() => prepareNamedQuery('declarations.count', "XAA' OR 1=1 --", {})).toThrow(/administration/);
    expect(() => prepareNamedQuery('declarations.count', 'XAA', { from: "2013-01-01' OR '1'='1" })).toThrow(
      /from/,
    );
    expect(() => prepareNamedQuery('declarations.count', 'XAA', { from: '2013-02-30' })).toThrow(/calendar/);
    expect(() => prepareNamedQuery('declarations.count', 'XAA', { limit: '5' })).toThrow(/unknown parameter/);
    expect(() => prepareNamedQuery('trade.by-partner', 'XAA', { hsPrefix: '87%' })).toThrow(/hsPrefix/);
  });
});
