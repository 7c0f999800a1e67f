import { mkdir, mkdtemp, rm } from 'node:fs/promises';
import { tmpdir } from 'node:os';
import { join } from 'node:path';
import { afterEach, beforeEach, describe, expect, it } from 'vitest';
import { DuckDbQueryEngine } from '../../shared/adapters/duckdb-query-engine.ts';
import { QueryFailedError } from '../../shared/ports/query-engine.ts';

describe('DuckDbQueryEngine (real DuckDB)', () => {
  let root: string;
  let engine: DuckDbQueryEngine;
  beforeEach(async () => {
    root = await mkdtemp(join(tmpdir(), 'bacuda-duck-'));
    engine = new DuckDbQueryEngine({
      declarations: {
        glob: join(root, 'curated/declarations/**/*.parquet'),
        emptySchema: 'id VARCHAR, value DOUBLE',
      },
    });
  });
  afterEach(async () => {
    await engine.close();
    await rm(root, { recursive: true, force: true });
  });

  it('exposes an empty typed table before any file exists', async () => {
    expect(await engine.query('SELECT count(*) AS n FROM declarations')).toEqual([{ n: 0 }]);
  });

  it('reads Hive-partitioned Parquet written after start, with bound parameters', async () => {
    for (const [admin, month] of [
      ['XAA', '01'],
      ['XBB', '01'],
      ['XAA', '02'],
    ]) {
      const dir = join(root, `curated/declarations/administration=${admin}/year=2013/month=${month}`);
      await mkdir(dir, { recursive: true });
      await engine.exec(
        `COPY (SELECT 'd-${admin}-${month}' AS id, 10.5 AS value) TO '${dir}/part-0.parquet' (FORMAT parquet)`,
      );
    }
    const rows = await engine.query(
      'SELECT administration, count(*) AS n, sum(value) AS total FROM declarations WHERE administration = ? GROUP BY administration',
      ['XAA'],
    );
    expect(rows).toEqual([{ administration: 'XAA', n: 2, total: 21 }]);
  });

  it('treats a hostile parameter as a value, never as SQL', async () => {
    const rows = await engine.query('SELECT count(*) AS n FROM declarations WHERE id = ?', ["x' OR '1'='1"]);
    expect(rows).toEqual([{ n: 0 }]);
  });

  it('wraps SQL errors in QueryFailedError', async () => {
    await expect(engine.query('SELECT nope FROM declarations')).rejects.toBeInstanceOf(QueryFailedError);
  });

  it('serialises concurrent queries on one connection', async () => {
    const results = await Promise.all(
      Array.from({ length: 8 }, (_, i) => engine.query('SELECT ? AS i', [i])),
    );
    expect(results.map((r) => r[0].i)).toEqual([0, 1, 2, 3, 4, 5, 6, 7]);
  });

  it('sees files added after the first query and survives all files being removed', async () => {
    const dir = join(root, 'curated/declarations/administration=XAA/year=2013/month=03');
    await mkdir(dir, { recursive: true });
    await engine.exec(`COPY (SELECT 'a' AS id, 1.0 AS value) TO '${dir}/p0.parquet' (FORMAT parquet)`);
    expect(await engine.query('SELECT count(*) AS n FROM declarations')).toEqual([{ n: 1 }]);
    await engine.exec(`COPY (SELECT 'b' AS id, 2.0 AS value) TO '${dir}/p1.parquet' (FORMAT parquet)`);
    expect(await engine.query('SELECT count(*) AS n FROM declarations')).toEqual([{ n: 2 }]);
    await rm(join(root, 'curated'), { recursive: true, force: true });
    expect(await engine.query('SELECT count(*) AS n FROM declarations')).toEqual([{ n: 0 }]);
  });

  it('types Hive partition keys as declared, so month=01 reads as the number 1', async () => {
    const typed = new DuckDbQueryEngine({
      t: { glob: join(root, 't/**/*.parquet'), emptySchema: 'id VARCHAR', hiveTypes: { month: 'BIGINT' } },
    });
    const dir = join(root, 't/month=01');
    await mkdir(dir, { recursive: true });
    await typed.exec(`COPY (SELECT 'a' AS id) TO '${dir}/p.parquet' (FORMAT parquet)`);
    expect(await typed.query('SELECT month, typeof(month) AS t FROM t')).toEqual([{ month: 1, t: 'BIGINT' }]);
    await typed.close();
  });
});
