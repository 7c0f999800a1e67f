import { readFile } from 'node:fs/promises';
import { extractProductFromBytes } from '../../shared/prices/extract/extract.ts';
import { type Command, stringOpt, UsageError, UserError } from '../command.ts';

const HTML_FILE = /\.html?(?:\.gz)?$/i;

/** `bacuda prices extract <file>... --json`: one JSON object per input file, in argument order. */
export const pricesExtractCommand: Command = {
  name: 'prices extract',
  summary:
    'Extract price, currency, availability, sku, gtin and brand from saved product pages (.html, .html.gz)',
  usage: '<file>... [--json] [--url URL]',
  options: {
    json: { type: 'boolean' },
    url: { type: 'string' },
  },
  allowPositionals: true,
  async run(ctx) {
    const files = ctx.positionals;
    if (files.length === 0) throw new UsageError('give at least one .html or .html.gz file');
    const url = stringOpt(ctx.values, 'url');
    for (const file of files) {
      if (!HTML_FILE.test(file)) throw new UserError(`${file}: expected a .html or .html.gz file`);
      let bytes: Buffer;
      try {
        bytes = await readFile(file);
      } catch (err) {
        throw new UserError(
          `${file}: ${(err as NodeJS.ErrnoException).code === 'ENOENT' ? 'no such file' : (err as Error).message}`,
        );
      }
      let r: ReturnType<typeof extractProductFromBytes>;
      try {
        r = extractProductFromBytes(bytes, { url });
      } catch (err) {
        throw new UserError(`${file}: cannot read as HTML (${(err as Error).message})`);
      }
      const row = {
        file,
        price: r.price,
        currency: r.currency,
        availability: r.availability,
        sku: r.sku,
        gtin: r.gtin,
        brand: r.brand,
        source: r.source,
      };
      if (ctx.values.json) ctx.out(JSON.stringify(row));
      else
        ctx.out(
          `${file}\t${r.price ?? '-'} ${r.currency ?? ''}\t${r.source ?? 'no price'}\t${r.availability ?? ''}`,
        );
    }
    return 0;
  },
};
