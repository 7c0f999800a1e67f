import { mkdtempSync, writeFileSync } from 'node:fs';
import { tmpdir } from 'node:os';
import { join } from 'node:path';
import { gzipSync } from 'node:zlib';
import { describe, expect, it } from 'vitest';
import { main } from '../../../cli/main.ts';

function run(argv: string[]) {
  const out: string[] = [];
  const log: string[] = [];
  return main(argv, { out: (s) => out.push(s), log: (s) => log.push(s) }).then((code) => ({
    code,
    out,
    log,
  }));
}

describe('bacuda prices extract', () => {
  const dir = mkdtempSync(join(tmpdir(), 'prices-cli-'));
  const a = join(dir, 'a.html');
  const b = join(dir, 'b.html.gz');
  writeFileSync(
    a,
    '<script type="application/ld+json">{"@type":"Product","name":"A","sku":"S1","offers":{"price":"10.50","priceCurrency":"EUR"}}</script>',
  );
  writeFileSync(b, gzipSync('<h1>B</h1><p>nothing to buy</p>'));

  it('prints one JSON object per file with the documented fields', async () => {
    const r = await run(['prices', 'extract', a, b, '--json']);
    expect(r.code).toBe(0);
    expect(r.out.map((l) => JSON.parse(l))).toEqual([
      {
        file: a,
        price: '10.50',
        currency: 'EUR',
        availability: null,
        sku: 'S1',
        gtin: null,
        brand: null,
        source: 'json-ld',
      },
      {
        file: b,
        price: null,
        currency: null,
        availability: null,
        sku: null,
        gtin: null,
        brand: null,
        source: null,
      },
    ]);
  });

  it('rejects missing files and other file types with one clear line', async () => {
    const missing = await run(['prices', 'extract', join(dir, 'nope.html'), '--json']);
    expect(missing.code).toBe(1);
    expect(missing.log.join('\n')).toContain('no such file');
    const wrong = await run(['prices', 'extract', join(dir, 'x.pdf')]);
    expect(wrong.code).toBe(1);
    expect((await run(['prices', 'extract'])).code).toBe(2);
  });
});
