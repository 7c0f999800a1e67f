import { resolve } from 'node:path';
import { UnreadableFileError } from '../../shared/declarations/index.ts';
import { gapLinesSql, loadDeclarationsFile, revenueGap, tradeGranularity } from '../../shared/gap/index.ts';
import { InvalidFilterError } from '../../shared/mirror/index.ts';
import { type Command, stringOpt, UsageError, UserError } from '../command.ts';
import { filtersFrom, inputFile, loadInputs, numberOpt, settingsFrom } from './mirror.ts';

export const gapCommand: Command = {
  name: 'gap',
  summary: 'Revenue gap: potential vs collected revenue, split into valuation, volume and rate gaps',
  usage:
    '--trade FILE.csv --tariffs FILE.csv [--declarations FILE.csv --reporter ISO3] [--exchange-rate N] ' +
    '[--default-rate PCT] [--cif-fob 1.10|estimate] [--partner ISO3] [--product HS] [--period P] [--out LINES.csv] [--json]',
  options: {
    trade: { type: 'string' },
    tariffs: { type: 'string' },
    declarations: { type: 'string' },
    reporter: { type: 'string' },
    partner: { type: 'string' },
    product: { type: 'string' },
    period: { type: 'string' },
    'exchange-rate': { type: 'string' },
    'default-rate': { type: 'string' },
    'cif-fob': { type: 'string' },
    classification: { type: 'string' },
    out: { type: 'string' },
    json: { type: 'boolean' },
  },
  async run({ values, out, log }) {
    const started = Date.now();
    inputFile(values, 'tariffs', true);
    const declarationsPath = inputFile(values, 'declarations', false);
    const filters = filtersFrom(values);
    if (declarationsPath && !filters.reporter) {
      throw new UsageError('--declarations needs --reporter (the country the declarations belong to)');
    }
    const exchangeRate = numberOpt(values, 'exchange-rate', 1, Number.MIN_VALUE);
    const { engine, report } = await loadInputs(values, log);
    try {
      let declarations = null;
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
      }
      const { settings: mirror } = await settingsFrom(values, engine);
      const settings = {
        cifFobFactor: mirror.cifFobFactor,
        defaultRatePercent: mirror.defaultRatePercent,
        exchangeRate,
        periodGranularity: await tradeGranularity(engine),
      };
      const result = await revenueGap(engine, settings, Boolean(declarationsPath), filters).catch((err) => {
        if (err instanceof InvalidFilterError) throw new UsageError(err.message);
        throw err;
      });
      const outFile = stringOpt(values, 'out');
      if (outFile) {
        const { sql, params } = gapLinesSql(settings, Boolean(declarationsPath), filters);
        await engine.query(`CREATE OR REPLACE TEMP TABLE gap_out AS ${sql}`, params);
        const target = resolve(outFile).replaceAll("'", "''");
        await engine.exec(
          `COPY (SELECT * FROM gap_out ORDER BY period, importer, exporter_iso, product) TO '${target}' (HEADER)`,
        );
      }
      const t = result.totals;
      log(
        `gap: potential ${t.potential.toFixed(2)}, actual ${t.actual.toFixed(2)}, gap ${t.gap.toFixed(2)} ` +
          `over ${t.lines} lines in ${((Date.now() - started) / 1000).toFixed(1)} s`,
      );
      const json = {
        ...t,
        cifFobFactor: settings.cifFobFactor,
        defaultRatePercent: settings.defaultRatePercent,
        exchangeRate,
        source: declarationsPath ? 'declarations' : 'comtrade',
        filters: Object.fromEntries(Object.entries(filters).filter(([, v]) => v !== undefined)),
        waterfall: result.waterfall,
        byChapter: result.byChapter,
        byPartner: result.byPartner,
        byPeriod: result.byPeriod,
        out: outFile ?? null,
        input: {
          trade: {
            layout: report.layout,
            rows: report.rows,
            loaded: report.loaded,
            excluded: report.excluded,
          },
          declarations,
        },
      };
      if (values.json) out(JSON.stringify(json));
      else {
        for (const s of result.waterfall) out(`${s.step.padEnd(28)} ${s.amount.toFixed(2).padStart(20)}`);
      }
      return 0;
    } finally {
      await engine.close();
    }
  },
};
