import { mkdtempSync, writeFileSync } from 'node:fs';
import { tmpdir } from 'node:os';
import { join } from 'node:path';
import { parseArgs } from 'node:util';
import { describe, expect, it } from 'vitest';
import type { Command, ParsedValues } from '../../../cli/command.ts';
import { forecastCommand } from '../../../cli/commands/forecast.ts';
import { forecastEvaluateCommand } from '../../../cli/commands/forecast-evaluate.ts';
import {
  earlyWarnings,
  forecastSeries,
  type InputSeries,
  parseM3,
  parseRevenueCsv,
} from '../../../shared/forecast/index.ts';

const seasonalValues = (n: number) =>
  Array.from(
    { length: n },
    (_, t) => 1000 + 5 * t + 200 * Math.sin((2 * Math.PI * t) / 12) + ((t * 37) % 11) * 3,
  );

describe('forecastSeries', () => {
  it('forecasts good series with ordered intervals and labels the months', () => {
    const [r] = forecastSeries([{ name: 'duties', start: '2019-01', values: seasonalValues(48) }], 3, {
      method: 'theta',
    });
    expect(r.error).toBeUndefined();
    expect(r.method).toBe('theta');
    expect(r.forecasts.map((p) => p.period)).toEqual(['2023-01', '2023-02', '2023-03']);
    for (const p of r.forecasts) {
      expect(p.lo95).toBeLessThan(p.lo80);
      expect(p.lo80).toBeLessThan(p.mean);
      expect(p.mean).toBeLessThan(p.hi80);
      expect(p.hi80).toBeLessThan(p.hi95);
    }
  });

  it('chooses a method by rolling-origin backtest and reports the scores', () => {
    const [r] = forecastSeries([{ name: 'a', start: '2018-01', values: seasonalValues(60) }], 6, {
      method: 'auto',
    });
    expect(r.error).toBeUndefined();
    expect(Object.keys(r.backtest ?? {})).toEqual(expect.arrayContaining(['theta', 'ets', 'snaive']));
    expect(r.forecasts).toHaveLength(6);
  });

  it('gives each bad series a clear error while the rest still forecast', () => {
    const good = seasonalValues(36);
    const series: InputSeries[] = [
      { name: 'ok', start: '2020-01', values: good },
      { name: 'short', start: '2020-01', values: [1, 2, 3] },
      { name: 'zeros', start: '2020-01', values: Array(36).fill(0) },
      { name: 'negative', start: '2020-01', values: good.map((v, i) => (i === 5 ? -v : v)) },
      { name: 'gap', start: '2020-01', values: good.map((v, i) => (i === 7 ? null : v)) },
    ];
    const out = forecastSeries(series, 4, { method: 'theta' });
    expect(out[0].forecasts).toHaveLength(4);
    expect(out[1].error).toMatch(/too short/);
    expect(out[2].error).toMatch(/all values are zero/);
    expect(out[3].error).toMatch(/negative value for month\(s\) 2020-06/);
    expect(out[4].error).toMatch(/missing value for month\(s\) 2020-08/);
  });

  it.each([0, -2, 1.5, 'abc', undefined])('rejects horizon %s per series', (h) => {
    const [r] = forecastSeries([{ name: 'ok', start: '2020-01', values: seasonalValues(36) }], h);
    expect(r.error).toMatch(/horizon must be a positive integer/);
    expect(r.forecasts).toEqual([]);
  });
});

describe('earlyWarnings', () => {
  it('flags months where the actual fell below the 80% interval', () => {
    const fc = forecastSeries([{ name: 'vat', start: '2020-01', values: seasonalValues(36) }], 3, {
      method: 'theta',
    });
    const p = fc[0].forecasts;
    const actual: InputSeries[] = [
      { name: 'vat', start: '2023-01', values: [p[0].mean, p[1].lo80 - 10, p[2].hi95 + 1] },
    ];
    const w = earlyWarnings(actual, fc);
    expect(w).toHaveLength(1);
    expect(w[0]).toMatchObject({ series: 'vat', period: '2023-02' });
    expect(w[0].shortfall).toBeCloseTo(10, 6);
  });
});

describe('parsers', () => {
  it('reads the long format, turning gaps into missing months and repeats into errors', () => {
    const csv = 'series,period,value\na,2020-01,1\na,2020-03,3\nb,2021-05,7\nb,2021-05,8\n';
    const s = parseRevenueCsv(csv);
    expect(s[0]).toEqual({ name: 'a', start: '2020-01', values: [1, null, 3] });
    expect(s[1].error).toMatch(/2021-05 appears more than once/);
  });

  it('reads the South African Treasury layout, one series per T3 line', () => {
    const csv = [
      '"T1","T2","T3","Year","MonthNum","Month","Quarter","Fiscal_year","Revenue"',
      '"Taxes on international trade","Import duties","Customs duties",2002,12,"December",4,2003,500',
      '"Taxes on international trade","Import duties","Customs duties",2003,1,"January",4,2003,510',
      '"Domestic taxes","VAT","Import VAT",2003,1,"January",4,2003,900',
    ].join('\n');
    const s = parseRevenueCsv(csv);
    expect(s.map((x) => [x.name, x.start, x.values])).toEqual([
      ['Customs duties', '2002-12', [500, 510]],
      ['Import VAT', '2003-01', [900]],
    ]);
  });

  it('rejects an unknown layout with a clear message', () => {
    expect(() => parseRevenueCsv('a,b\n1,2\n')).toThrow(/unrecognised layout/);
  });

  it('reads the M3 layout', () => {
    const rows = parseM3(
      '"series","category","description","n_train","horizon","start_year","start_month","values"\n"N1","MICRO","x","3","2","1990","11","1 2 3"\n',
    );
    expect(rows[0]).toMatchObject({
      series: 'N1',
      nTrain: 3,
      horizon: 2,
      startYear: 1990,
      startMonth: 11,
      values: [1, 2, 3],
    });
  });
});

describe('CLI', () => {
  const dir = mkdtempSync(join(tmpdir(), 'bacuda-forecast-'));
  // Runs a command the way cli/main.ts does, without loading every other command of the CLI.
  const run = async (argv: string[]) => {
    const cmd: Command = argv[1] === 'evaluate' ? forecastEvaluateCommand : forecastCommand;
    const args = argv.slice(cmd.name.split(' ').length);
    const out: string[] = [];
    const log: string[] = [];
    const { values, positionals } = parseArgs({ args, options: cmd.options, strict: true });
    try {
      const code = await cmd.run({
        values: values as ParsedValues,
        positionals,
        out: (x) => out.push(x),
        log: (x) => log.push(x),
        signal: new AbortController().signal,
      });
      return { code: code ?? 0, out, log };
    } catch (err) {
      log.push((err as Error).message);
      return { code: 1, out, log };
    }
  };

  it('forecast --json prints forecasts and per-series errors', async () => {
    const lines = ['series,period,value'];
    for (const [i, v] of seasonalValues(36).entries())
      lines.push(`good,${2020 + Math.floor(i / 12)}-${String((i % 12) + 1).padStart(2, '0')},${v}`);
    lines.push('tiny,2020-01,5', 'tiny,2020-02,6');
    const file = join(dir, 'rev.csv');
    writeFileSync(file, `${lines.join('\n')}\n`);
    const r = await run(['forecast', '--input', file, '--horizon', '2', '--method', 'theta', '--json']);
    expect(r.code).toBe(0);
    const j = JSON.parse(r.out.at(-1) as string);
    expect(j.series[0].forecasts.map((p: { period: string }) => p.period)).toEqual(['2023-01', '2023-02']);
    expect(j.series[1].error).toMatch(/too short/);
    const one = await run(['forecast', '--input', file, '--series', 'good', '--horizon', '1', '--json']);
    expect(JSON.parse(one.out.at(-1) as string).series).toHaveLength(1);
  });

  it('forecast evaluate --json prints the accuracy line last', async () => {
    const header =
      '"series","category","description","n_train","horizon","start_year","start_month","values"';
    const all = seasonalValues(60);
    const train = join(dir, 'train.csv');
    const test = join(dir, 'test.csv');
    writeFileSync(
      train,
      `${header}\n"S1","MICRO","d","48","12","2000","1","${all.slice(0, 48).join(' ')}"\n`,
    );
    writeFileSync(test, `${header}\n"S1","MICRO","d","48","12","2004","1","${all.slice(48).join(' ')}"\n`);
    const r = await run(['forecast', 'evaluate', '--train', train, '--test', test, '--json']);
    expect(r.code).toBe(0);
    const j = JSON.parse(r.out.at(-1) as string);
    expect(j.series).toBe(1);
    for (const k of ['smape', 'mase', 'coverage95', 'seconds']) expect(typeof j[k]).toBe('number');
    expect(j.smape).toBeLessThan(10);
  });

  it('reports an unreadable input as a one-line error', async () => {
    const r = await run(['forecast', '--input', join(dir, 'nope.csv'), '--horizon', '3']);
    expect(r.code).toBe(1);
    expect(r.log.join('\n')).toMatch(/cannot read --input/);
  });
});
