/**
 * npm run bench:mirror — the mirror table at scale, against hand-written DuckDB SQL, in one run.
 *
 * 1. Generates a deterministic 10M-row Comtrade-like CSV (bulk layout) with DuckDB's COPY, which
 *    streams rows to disk (no table is built in memory). Cached by row count under BACUDA_BENCH_DIR.
 * 2. Loads it: ours (loadComtradeCsv: every cell checked, exclusions counted) vs a raw typed read_csv.
 * 3. Builds the mirror table: ours (the portable named query, mirrorTableSql) vs a hand-written
 *    DuckDB-idiomatic query of the same pairing and statistics (median(), GROUP BY ALL, ...),
 *    both over the same canonical table, alternating, best of BENCH_REPEAT runs each.
 * 4. Checks both produce the same pairs and totals, and reports the ratios (target <= 1.5x).
 *
 * Env: BENCH_ROWS (default 10000000), BENCH_REPEAT (default 2), BACUDA_BENCH_DIR (default $TMPDIR/bacuda-bench),
 *      BACUDA_EVAL_DATA (default ../shared/eval-data; the accuracy check on b/ runs when present).
 */
import { existsSync, mkdirSync, statSync } from 'node:fs';
import { tmpdir } from 'node:os';
import { join, resolve } from 'node:path';
import { DuckDbQueryEngine } from '../../shared/adapters/duckdb-query-engine.ts';
import {
  createEmptyTariffs,
  DEFAULT_SETTINGS,
  loadComtradeCsv,
  mirrorTableSql,
  querySummary,
  summarySelect,
} from '../../shared/mirror/index.ts';

const ROWS = Number(process.env.BENCH_ROWS ?? 10_000_000);
const REPEAT = Number(process.env.BENCH_REPEAT ?? 2);
const dir = resolve(process.env.BACUDA_BENCH_DIR ?? join(tmpdir(), 'bacuda-bench'));
const evalData = resolve(
  process.env.BACUDA_EVAL_DATA ?? join(import.meta.dirname, '../../../shared/eval-data'),
);
mkdirSync(dir, { recursive: true });
const file = join(dir, `comtrade-${ROWS}.csv`);

const log = (s: string) => process.stderr.write(`${s}\n`);
const secs = (ms: number) => (ms / 1000).toFixed(2);

async function timed<T>(fn: () => Promise<T>): Promise<{ ms: number; value: T }> {
  const t0 = performance.now();
  const value = await fn();
  return { ms: performance.now() - t0, value };
}

/**
 * Trade relationships k = row / 2: importer, exporter, product and year derived from k with integer
 * hashing (Knuth multiplicative, stable across DuckDB versions); the even row is the import, the odd
 * row the partner's export. ~8 % of exports name another product (unmatched), ~2 % of rows are
 * re-exports, ~3 % have partner World, ~4 % have no weight. Row order follows range() (DuckDB keeps
 * insertion order by default), so no sort is needed.
 */
async function generate(engine: DuckDbQueryEngine): Promise<void> {
  if (existsSync(file) && statSync(file).size > 0) {
    log(`bench:mirror: reusing ${file}`);
    return;
  }
  log(`bench:mirror: generating ${ROWS.toLocaleString('en')} rows into ${file} ...`);
  const t = await timed(() =>
    engine.exec(`
    COPY (
      WITH r AS (
        SELECT i, i // 2 AS k, i % 2 AS side,
               (i * 2654435761 + 97) % 4294967291 AS h
        FROM range(${ROWS}) t(i)
      ), rel AS (
        SELECT i, k, side, h,
               (k * 2246822519 + 3) % 4294967291 AS hk
        FROM r
      ), x AS (
        SELECT i, side, h,
               2005 + hk % 10 AS year,
               4 + (hk // 10) % 220 * 4 AS importer,
               4 + (hk // 2200) % 220 * 4 AS exporter0,
               100000 + (hk // 484000) % 900 * 911 AS product0,
               CAST(1000 + (hk % 1000003) * 37 AS DOUBLE) AS base
        FROM rel
      ), y AS (
        SELECT *, CASE WHEN exporter0 = importer THEN exporter0 + 2 ELSE exporter0 END AS exporter,
               CASE WHEN side = 1 AND h % 100 < 8 THEN product0 + 1 ELSE product0 END AS product
        FROM x
      )
      SELECT CASE WHEN year < 2012 THEN 'H3' ELSE 'H4' END AS classification,
             year,
             CASE WHEN h % 100 = 50 OR h % 100 = 51 THEN 3 WHEN side = 0 THEN 1 ELSE 2 END AS flowcode,
             CASE WHEN h % 100 = 50 OR h % 100 = 51 THEN 'Re-Export' WHEN side = 0 THEN 'Import' ELSE 'Export' END AS flow,
             CASE WHEN side = 0 THEN importer ELSE exporter END AS reportercode,
             'C' || CAST(CASE WHEN side = 0 THEN importer ELSE exporter END AS VARCHAR) AS reporteriso,
             CASE WHEN h % 100 BETWEEN 60 AND 62 THEN 0 WHEN side = 0 THEN exporter ELSE importer END AS partnercode,
             'C' || CAST(CASE WHEN side = 0 THEN exporter ELSE importer END AS VARCHAR) AS partneriso,
             product AS productcode,
             12 AS unitcode,
             round(base / 400, 0) AS quantity,
             CASE WHEN h % 25 = 7 THEN NULL ELSE round(base / (0.3 + (h % 7) / 10), 0) END AS weight,
             round(CASE WHEN side = 0 THEN base * (1 + (h % 41) / 100.0) ELSE base END
                   * CASE WHEN h % 997 = 3 THEN 12 ELSE 1 END, 0) AS tradevalue,
             0 AS flag
      FROM y
    ) TO '${file.replaceAll("'", "''")}' (HEADER, DELIMITER ',')`),
  );
  log(`bench:mirror: generated in ${secs(t.ms)} s (${(statSync(file).size / 1e6).toFixed(0)} MB)`);
}

/** The same pairing and statistics, written the way one would by hand for DuckDB alone. */
function rawMirrorSql(factor: number, z: number, defaultRate: number): string {
  return `
  WITH f AS (
    SELECT period, reporter, partner, product, flow, max(reporterIso) AS riso, max(partnerIso) AS piso,
           sum(value) AS v,
           CASE WHEN count(weightKg) = count(*) THEN sum(weightKg) END AS w,
           CASE WHEN count(quantity) = count(*) THEN sum(quantity) END AS q,
           min(classification) AS c
    FROM trade WHERE flow IN ('M', 'X') AND partner <> '0' AND partner <> reporter
    GROUP BY ALL
  ), p AS (
    SELECT i.period, i.reporter AS importer, coalesce(i.riso, e.piso) AS importer_iso, i.partner AS exporter,
           coalesce(e.riso, i.piso) AS exporter_iso, i.product, i.c AS import_classification,
           e.c AS export_classification, i.v AS import_value, e.v AS export_value,
           i.w AS import_weight_kg, e.w AS export_weight_kg, i.q AS import_quantity, e.q AS export_quantity,
           CASE WHEN i.v > 0 AND e.v > 0 THEN ln(i.v / e.v) END AS log_ratio
    FROM f i JOIN f e
      ON i.flow = 'M' AND e.flow = 'X' AND e.period = i.period AND e.reporter = i.partner
     AND e.partner = i.reporter AND e.product = i.product
  ), med AS (
    SELECT product, median(log_ratio) AS m FROM p GROUP BY product
  ), mad AS (
    SELECT p.product, median(abs(p.log_ratio - med.m)) AS d FROM p JOIN med USING (product) GROUP BY p.product
  ), rate AS (
    SELECT product, arg_max(ratePercent, length(hsCode)) AS r
    FROM (SELECT DISTINCT product FROM p) JOIN tariffs ON starts_with(product, hsCode) GROUP BY product
  )
  SELECT p.period, p.importer, p.importer_iso, p.exporter, p.exporter_iso, p.product,
         p.import_classification, p.export_classification, p.import_value, p.export_value,
         ${factor} AS cif_fob_factor,
         p.export_value * ${factor} AS adjusted_export_value,
         p.export_value * ${factor} - p.import_value AS value_gap,
         p.import_value / nullif(p.export_value, 0) AS ratio,
         p.log_ratio, p.import_weight_kg, p.export_weight_kg,
         p.import_value / nullif(p.import_weight_kg, 0) AS import_unit_value,
         p.export_value / nullif(p.export_weight_kg, 0) AS export_unit_value,
         p.import_quantity, p.export_quantity, p.import_quantity - p.export_quantity AS quantity_gap,
         p.import_weight_kg - p.export_weight_kg AS weight_gap,
         CASE WHEN mad.d > 0 THEN (p.log_ratio - med.m) / (1.4826 * mad.d) END AS robust_z,
         coalesce(abs(robust_z) > ${z}, false) AS flagged,
         coalesce(rate.r, ${defaultRate}) AS duty_rate_percent,
         greatest(p.export_value * ${factor} - p.import_value, 0) * coalesce(rate.r, ${defaultRate}) / 100 AS potential_duty_loss
  FROM p LEFT JOIN med USING (product) LEFT JOIN mad USING (product) LEFT JOIN rate USING (product)`;
}

async function accuracyCheck(): Promise<Record<string, unknown> | null> {
  const b = join(evalData, 'b', 'efi_comtrade_sawnwood_440799_2005_2014.csv');
  if (!existsSync(b)) return null;
  const engine = new DuckDbQueryEngine();
  try {
    await loadComtradeCsv(engine, b);
    await createEmptyTariffs(engine);
    const { sql, params } = mirrorTableSql(DEFAULT_SETTINGS);
    const s = await querySummary(engine, summarySelect(`(${sql})`), params);
    return {
      file: 'b/efi_comtrade_sawnwood_440799_2005_2014.csv',
      expectedPairs: 14086,
      ...s,
    };
  } finally {
    await engine.close();
  }
}

async function main(): Promise<void> {
  const engine = new DuckDbQueryEngine();
  try {
    await generate(engine);

    const rawLoad = await timed(() =>
      engine.exec(`CREATE OR REPLACE TABLE raw_csv AS SELECT * FROM read_csv('${file.replaceAll("'", "''")}',
        header = true, columns = {'classification': 'VARCHAR', 'year': 'VARCHAR', 'flowcode': 'VARCHAR',
        'flow': 'VARCHAR', 'reportercode': 'VARCHAR', 'reporteriso': 'VARCHAR', 'partnercode': 'VARCHAR',
        'partneriso': 'VARCHAR', 'productcode': 'VARCHAR', 'unitcode': 'INTEGER', 'quantity': 'DOUBLE',
        'weight': 'DOUBLE', 'tradevalue': 'DECIMAL(18,4)', 'flag': 'INTEGER'})`),
    );
    await engine.exec('DROP TABLE raw_csv');
    log(`bench:mirror: raw typed read_csv: ${secs(rawLoad.ms)} s`);
    const ourLoad = await timed(() => loadComtradeCsv(engine, file));
    log(
      `bench:mirror: loadComtradeCsv: ${secs(ourLoad.ms)} s (${ourLoad.value.loaded} loaded, ${ourLoad.value.excluded.total} excluded)`,
    );
    await createEmptyTariffs(engine);

    const settings = DEFAULT_SETTINGS;
    const ours = mirrorTableSql(settings);
    const raw = rawMirrorSql(settings.cifFobFactor, settings.zThreshold, settings.defaultRatePercent);
    const oursMs: number[] = [];
    const rawMs: number[] = [];
    for (let r = 0; r < REPEAT; r++) {
      const a = await timed(() =>
        engine.query(`CREATE OR REPLACE TEMP TABLE m_ours AS ${ours.sql}`, ours.params),
      );
      oursMs.push(a.ms);
      const b = await timed(() => engine.exec(`CREATE OR REPLACE TEMP TABLE m_raw AS ${raw}`));
      rawMs.push(b.ms);
      log(`bench:mirror: run ${r + 1}: ours ${secs(a.ms)} s, raw ${secs(b.ms)} s`);
    }
    const sOurs = await querySummary(engine, summarySelect('m_ours'));
    const sRaw = await querySummary(engine, summarySelect('m_raw'));
    const same =
      sOurs.pairs === sRaw.pairs &&
      sOurs.importsValue === sRaw.importsValue &&
      sOurs.mirrorExportsValue === sRaw.mirrorExportsValue &&
      sOurs.flagged === sRaw.flagged;
    const best = (xs: number[]) => Math.min(...xs);
    const result = {
      rows: ROWS,
      file,
      pairs: sOurs.pairs,
      flagged: sOurs.flagged,
      sameResultAsRaw: same,
      load: {
        oursSeconds: Number(secs(ourLoad.ms)),
        rawSeconds: Number(secs(rawLoad.ms)),
        ratio: Number((ourLoad.ms / rawLoad.ms).toFixed(2)),
      },
      mirror: {
        oursSeconds: Number(secs(best(oursMs))),
        rawSeconds: Number(secs(best(rawMs))),
        ratio: Number((best(oursMs) / best(rawMs)).toFixed(2)),
        target: 1.5,
        runs: { ours: oursMs.map((x) => Number(secs(x))), raw: rawMs.map((x) => Number(secs(x))) },
      },
      accuracy: await accuracyCheck(),
    };
    if (!same) log(`bench:mirror: MISMATCH ours ${JSON.stringify(sOurs)} raw ${JSON.stringify(sRaw)}`);
    process.stdout.write(`${JSON.stringify(result)}\n`);
    if (!same) process.exitCode = 1;
  } finally {
    await engine.close();
  }
}

await main();
