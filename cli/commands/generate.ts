import { writeDemoFile } from '../../shared/demo/write-demo-file.ts';
import { type Command, intOpt, requireString } from '../command.ts';

export const generateCommand: Command = {
  name: 'generate',
  summary: 'Write demo import declarations in the WCO BACUDA synthetic format',
  usage: '--rows N --seed S --out FILE [--year YYYY]',
  options: {
    rows: { type: 'string' },
    seed: { type: 'string' },
    out: { type: 'string' },
    year: { type: 'string' },
  },
  async run({ values, log, out }) {
    const rows = intOpt(values, 'rows', 100_000, 1);
    const seed = intOpt(values, 'seed', 1);
    const year = intOpt(values, 'year', 2013, 1900);
    const file = requireString(values, 'out');
    const started = Date.now();
    await writeDemoFile(file, { rows, seed, year }, (n) => log(`generate: ${n.toLocaleString('en')} rows…`));
    log(`generate: wrote ${rows} rows to ${file} in ${((Date.now() - started) / 1000).toFixed(1)} s`);
    out(JSON.stringify({ out: file, rows, seed, year }));
    return 0;
  },
};
