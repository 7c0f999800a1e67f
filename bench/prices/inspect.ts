/**
 * Shows how the extractor sees one page: the result and the top visible-text price candidates with scores.
 *   node_modules/.bin/node bench/prices/inspect.ts <file.html[.gz]> [N]
 */
import { readFileSync } from 'node:fs';
import { gunzipSync } from 'node:zlib';
import { load } from 'cheerio';
import { decodeHtml } from '../../shared/prices/extract/decode.ts';
import type { DomNode } from '../../shared/prices/extract/dom.ts';
import { extractFromDom } from '../../shared/prices/extract/extract.ts';
import { visiblePriceCandidates } from '../../shared/prices/extract/visible.ts';

const file = process.argv[2];
const bytes = readFileSync(file);
const body = bytes[0] === 0x1f && bytes[1] === 0x8b ? gunzipSync(bytes) : bytes;
const $ = load(decodeHtml(body).text, { xml: { xmlMode: false, decodeEntities: true } });
const root = $.root()[0] as unknown as DomNode;
console.log(extractFromDom(root));
for (const c of visiblePriceCandidates(root, { localCurrency: null }).slice(0, Number(process.argv[3] ?? 12)))
  console.log(c.score.toFixed(2), c.order, c.amount, c.currency, c.old ? 'old' : '', JSON.stringify(c.text));
