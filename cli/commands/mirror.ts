import { existsSync } from 'node:fs';
import { resolve } from 'node:path';
import { DuckDbQueryEngine } from '../../shared/adapters/duckdb-query-engine.ts';
import { UnreadableFileError } from '../../shared/declarations/index.ts';
import { type DeclarationsLoadReport, loadDeclarationsFile } from '../../shared/gap/load-declarations.ts';
import {
  IMPORTS_MODES,
  type ImportSide,
  type ImportsMode,
  importsFrom,
  tradeGranularity,
} from '../../shared/mirror/declared-imports.ts';
import {
  createEmptyTariffs,
  DEFAULT_SETTINGS,
  InvalidFilterError,
  type LoadReport,
  loadComtradeCsv,
  loadTariffsCsv,
  type MirrorFilters,
  type MirrorSettings,
  mirrorTableSql,
  querySummary,
  resolveCifFobFactor,
  summarySelect,
  TradeFileError,
} from '../../shared/mirror/index.ts';
import {
  type Command,
  type ParsedValues,
  requireString,
  stringOpt,
  UsageError,
  UserError,
} from '../command.ts';

export function numberOpt(values: ParsedValues, name: string, fallback: number, min = 0): number {
  const raw = stringOpt(values, name);
  if (raw === undefined) return fallback;
  const n = Number(raw);
  if (raw.trim() === '' || !Number.isFinite(n) || n < min) {
    throw new UsageError(`--${name} must be a number >= ${min}, got "${raw}"`);
  }
  return n;
}

export function inputFile(values: ParsedValues, name: string, required: true): string;
export function inputFile(values: ParsedValues, name: string, required: false): string | undefined;
export function inputFile(values: ParsedValues, name: string, required: boolean): string | undefined {
  const raw = required ? requireString(values, name) : stringOpt(values, name);
  if (raw === undefined) return undefined;
  const path = resolve(raw);
  if (!existsSync(path)) throw new UserError(`--${name}: no such file: ${raw}`);
  return path;
}

/** Settings shared by `mirror` and `gap`: CIF/FOB factor, z threshold, default duty rate. */
export async function settingsFrom(
  values: ParsedValues,
  engine: DuckDbQueryEngine,
): Promise<{ settings: MirrorSettings; estimated: boolean }> {
  const rawFactor = stringOpt(values, 'cif-fob');
  const factorArg =
    rawFactor === 'estimate' ? 'estimate' : numberOpt(values, 'cif-fob', DEFAULT_SETTINGS.cifFobFactor, 0.5);
  const { factor, estimated } = await resolveCifFobFactor(engine, factorArg);
  return {
    settings: {
      cifFobFactor: factor,
      zThreshold: numberOpt(values, 'z-threshold', DEFAULT_SETTINGS.zThreshold, 0),
      defaultRatePercent: numberOpt(values, 'default-rate', DEFAULT_SETTINGS.defaultRatePercent, 0),
    },
    estimated,
  };
}

/** Loads --trade (and --tariffs) into a fresh DuckDB session, logging what was excluded and why. */
export async function loadInputs(
  values: ParsedValues,
  log: (s: string) => void,
): Promise<{ engine: DuckDbQueryEngine; report: LoadReport; tariffRows: number }> {
  const trade = inputFile(values, 'trade', true);
  const tariffs = inputFile(values, 'tariffs', false);
  const engine = new DuckDbQueryEngine();
  try {
    const report = await loadComtradeCsv(engine, trade, {
      classification: stringOpt(values, 'classification'),
    });
    log(
      `trade: ${report.layout} layout, ${report.rows} rows, ${report.loaded} loaded, ${report.excluded.total} excluded`,
    );
    for (const r of report.excluded.reasons) log(`  excluded ${r.rows} rows: ${r.reason}`);
    log(
      `  not paired by rule: ${report.notPaired.worldPartner} rows with partner World, ${report.notPaired.selfPair} self-pairs`,
    );
    for (const w of report.warnings) log(`  warning: ${w}`);
    let tariffRows = 0;
    if (tariffs) {
      const t = await loadTariffsCsv(engine, tariffs).catch((err: Error) => {
        throw new UserError(err.message);
      });
      tariffRows = t.loaded;
      log(`tariffs: ${t.rows} rows, ${t.loaded} loaded, ${t.excluded.total} excluded`);
      for (const r of t.excluded.reasons) log(`  excluded ${r.rows} rows: ${r.reason}`);
      for (const w of t.warnings) log(`  warning: ${w}`);
    } else {
      await createEmptyTariffs(engine);
    }
    return { engine, report, tariffRows };
  } catch (err) {
    await engine.close();
    if (err instanceof TradeFileError) throw new UserError(err.message);
    throw err;
  }
}

export function filtersFrom(values: ParsedValues): MirrorFilters {
  return {
    reporter: stringOpt(values, 'reporter'),
    partner: stringOpt(values, 'partner'),
    product: stringOpt(values, 'product'),
    period: stringOpt(values, 'period'),
  };
}

/** The CSV columns: money to the cent, ratios to 6 decimals. */
const CSV_SELECT = `period, importer, importer_iso, exporter, exporter_iso, product,
  import_classification, export_classification,
  CAST(import_value AS DECIMAL(38,2)) AS import_value, CAST(export_value AS DECIMAL(38,2)) AS export_value,
  cif_fob_factor, ROUND(adjusted_export_value, 2) AS adjusted_export_value, ROUND(value_gap, 2) AS value_gap,
  ROUND(ratio, 6) AS ratio, ROUND(log_ratio, 6) AS log_ratio, import_weight_kg, export_weight_kg,
  ROUND(import_unit_value, 6) AS import_unit_value, ROUND(export_unit_value, 6) AS export_unit_value,
  import_quantity, export_quantity, quantity_gap, weight_gap, ROUND(robust_z, 6) AS robust_z, flagged,
  duty_rate_percent, ROUND(potential_duty_loss, 2) AS potential_duty_loss`;

export const mirrorCommand: Command = {
  name: 'mirror',
  summary: 'Mirror analysis of UN Comtrade flows: imports vs partners’ exports, gaps and flags',
  usage:
    '--trade FILE.csv [--reporter ISO3] [--out FILE.csv] [--tariffs FILE.csv] [--default-rate PCT] ' +
    '[--cif-fob 1.10|estimate] [--z-threshold 3.5] [--classification H5] [--partner ISO3] [--product HS] ' +
    '[--period YYYY[MM]] [--declarations FILE.csv [--imports auto|declarations|comtrade] [--exchange-rate N]] [--json]',
  options: {
    trade: { type: 'string' },
    reporter: { type: 'string' },
    partner: { type: 'string' },
    product: { type: 'string' },
    period: { type: 'string' },
    out: { type: 'string' },
    tariffs: { type: 'string' },
    'default-rate': { type: 'string' },
    'cif-fob': { type: 'string' },
    'z-threshold': { type: 'string' },
    classification: { type: 'string' },
    declarations: { type: 'string' },
    imports: { type: 'string' },
    'exchange-rate': { type: 'string' },
    json: { type: 'boolean' },
  },
  async run({ values, out, log }) {
    const started = Date.now();
    const filters = filtersFrom(values);
    const outFile = stringOpt(values, 'out');
    const declarationsPath = inputFile(values, 'declarations', false);
    const mode = (stringOpt(values, 'imports') ?? 'auto') as ImportsMode;
    if (!IMPORTS_MODES.includes(mode))
      throw new UsageError('--imports must be auto, declarations or comtrade');
    if (declarationsPath && !filters.reporter) {
      throw new UsageError('--declarations needs --reporter (the country the declarations belong to)');
    }
    if (mode === 'declarations' && !declarationsPath) {
      throw new UsageError('--imports declarations needs --declarations FILE.csv');
    }
    const exchangeRate = numberOpt(values, 'exchange-rate', 1, Number.MIN_VALUE);
    const { engine, report } = await loadInputs(values, log);
    try {
      let declarations: DeclarationsLoadReport | null = null;
      const imports: ImportSide = {
        mode: declarationsPath ? mode : 'comtrade',
        reporter: filters.reporter,
        exchangeRate,
        periodGranularity: 'year',
      };
      if (declarationsPath) {
        declarations = await loadDeclarationsFile(engine, declarationsPath).catch((err: Error) => {
          if (err instanceof UnreadableFileError) throw new UserError(`--declarations: ${err.message}`);
          throw err;
        });
        log(
          `declarations: ${declarations.format ?? 'unknown'} layout, ${declarations.rows} rows, ` +
            `${declarations.loaded} loaded, ${declarations.excluded.total} excluded`,
        );
        for (const r of declarations.excluded.reasons) log(`  excluded ${r.rows} rows: ${r.reason}`);
        imports.periodGranularity = await tradeGranularity(engine);
      }
      const { settings, estimated } = await settingsFrom(values, engine);
      if (estimated) log(`cif/fob factor estimated from the data: ${settings.cifFobFactor}`);
      let table: { sql: string; params: (string | number | boolean | null)[] };
      let source: 'comtrade' | 'declarations';
      try {
        source = await importsFrom(engine, imports);
        table = mirrorTableSql(settings, filters, '', undefined, imports);
      } catch (err) {
        if (err instanceof InvalidFilterError) throw new UsageError(err.message);
        throw err;
      }
      await engine.query(`CREATE OR REPLACE TEMP TABLE mirror_out AS ${table.sql}`, table.params);
      if (outFile) {
        const target = resolve(outFile).replaceAll("'", "''");
        await engine.exec(
          `COPY (SELECT ${CSV_SELECT} FROM mirror_out ORDER BY period, importer, exporter, product)
           TO '${target}' (HEADER, DELIMITER ',')`,
        );
      }
      const summary = await querySummary(engine, summarySelect('mirror_out'));
      if (declarationsPath) log(`imports of ${filters.reporter}: from ${source} (--imports ${mode})`);
      log(
        `mirror: ${summary.pairs} pairs, ${summary.flagged} flagged` +
          (outFile ? `, written to ${outFile}` : '') +
          ` in ${((Date.now() - started) / 1000).toFixed(1)} s`,
      );
      const result = {
        pairs: summary.pairs,
        importsValue: summary.importsValue,
        mirrorExportsValue: summary.mirrorExportsValue,
        flagged: summary.flagged,
        adjustedExportsValue: summary.adjustedExportsValue,
        potentialDutyLoss: summary.potentialDutyLoss,
        cifFobFactor: settings.cifFobFactor,
        cifFobEstimated: estimated,
        zThreshold: settings.zThreshold,
        defaultRatePercent: settings.defaultRatePercent,
        filters: Object.fromEntries(Object.entries(filters).filter(([, v]) => v !== undefined)),
        imports: { mode: imports.mode, from: source, exchangeRate: declarationsPath ? exchangeRate : null },
        out: outFile ?? null,
        input: {
          layout: report.layout,
          rows: report.rows,
          loaded: report.loaded,
          excluded: report.excluded,
          notPaired: report.notPaired,
          classifications: report.classifications,
          warnings: report.warnings,
          declarations,
        },
      };
      if (values.json) out(JSON.stringify(result));
      else {
        out(`pairs                 ${result.pairs}`);
        out(`imports value         ${result.importsValue.toFixed(2)}`);
        out(`mirror exports value  ${result.mirrorExportsValue.toFixed(2)}`);
        out(`flagged               ${result.flagged}`);
        out(`potential duty loss   ${result.potentialDutyLoss.toFixed(2)}`);
      }
      return 0;
    } finally {
      await engine.close();
    }
  },
};
