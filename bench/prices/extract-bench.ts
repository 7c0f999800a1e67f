/**
 * Price-extraction benchmark over the Zyte product-extraction benchmark pages (../shared/eval-data/d).
 * Scores our extractor and, in the same run, the published extruct + price-parser baseline output with the
 * benchmark's own rule (evaluate.py): a prediction is a true positive when it equals an accepted value as a
 * decimal; a wrong prediction counts as both a false positive and a false negative.
 *
 *   npm run bench:prices [-- --errors] [--with-url]
 *
 * --with-url gives the extractor each page's original URL (what a crawler knows); by default it sees only the
 * file, like `bacuda prices extract`. Throughput: one warm-up pass, then BENCH_PASSES (default 5) timed passes
 * over all pages; the median pages per CPU-second is the figure, with the slowest and fastest pass.
 */
import { readFileSync } from 'node:fs';
import { join, resolve } from 'node:path';
import { performance } from 'node:perf_hooks';
import { extractProductFromBytes } from '../../shared/prices/extract/extract.ts';

type Truth = Record<
  string,
  { url: string; price?: string[]; availability?: string[]; sku?: string[]; currency?: string[] }
>;
type Pred = Record<string, { price?: string | null; availability?: string | null; sku?: string | null }>;

const repoRoot = resolve(import.meta.dirname, '../..');
const evalRoot = resolve(repoRoot, process.env.BACUDA_EVAL_DATA ?? '../shared/eval-data');
const dir = join(evalRoot, 'd/zyte-product-extraction-benchmark');
const showErrors = process.argv.includes('--errors');
const withUrl = process.argv.includes('--with-url');

const truth: Truth = JSON.parse(readFileSync(join(dir, 'ground-truth.json'), 'utf8'));
const extruct: Pred = JSON.parse(readFileSync(join(dir, 'output_extruct.json'), 'utf8'));
const ids = Object.keys(truth).sort();

/** Decimal equality without floating point: "450.0" == "450", "19.50" == "19.5". */
function canon(s: string): string | null {
  const m = /^\s*(\d*)(?:\.(\d*))?\s*$/.exec(s);
  if (!m) return null;
  const i = (m[1] || '0').replace(/^0+(?=\d)/, '');
  const f = (m[2] ?? '').replace(/0+$/, '');
  return f ? `${i}.${f}` : i;
}

function score(truthValues: string[] | undefined, pred: string | null | undefined, decimal: boolean) {
  const norm = (v: string) => (decimal ? canon(v) : v);
  const t = new Set((truthValues ?? []).map(norm));
  if (pred == null) return { tp: 0, fp: 0, fn: t.size ? 1 : 0 };
  if (t.has(norm(pred))) return { tp: 1, fp: 0, fn: 0 };
  return { tp: 0, fp: 1, fn: t.size ? 1 : 0 };
}

function prf(rows: { tp: number; fp: number; fn: number }[]) {
  const tp = rows.reduce((s, r) => s + r.tp, 0);
  const fp = rows.reduce((s, r) => s + r.fp, 0);
  const fn = rows.reduce((s, r) => s + r.fn, 0);
  const p = fp === 0 && fn === 0 ? 1 : tp + fp === 0 ? 0 : tp / (tp + fp);
  const r = fp === 0 && fn === 0 ? 1 : tp + fn === 0 ? 0 : tp / (tp + fn);
  const f1 = p + r > 0 ? (2 * p * r) / (p + r) : 0;
  return { precision: p, recall: r, f1, tp, fp, fn };
}

const files = ids.map((id) => readFileSync(join(dir, 'html', `${id}.html.gz`)));
const ours: Record<string, ReturnType<typeof extractProductFromBytes>> = {};
const run = () => {
  ids.forEach((id, i) => {
    ours[id] = extractProductFromBytes(files[i], withUrl ? { url: truth[id].url } : {});
  });
};
// One untimed pass so JIT compilation is not billed, then timed passes over all pages. Throughput is pages per
// CPU-second of this process (process.cpuUsage: user + system, all of its threads, so V8's GC helper threads are
// billed too), so other load on the machine does not distort it the way wall time would. The machine is shared
// and noisy, so each pass is timed on its own and the median is the headline, with min and max beside it.
run();
const passes = Math.max(1, Number(process.env.BENCH_PASSES ?? 5));
const rates: number[] = [];
let cpuTotal = 0;
const t0 = performance.now();
for (let p = 0; p < passes; p++) {
  const c0 = process.cpuUsage();
  run();
  const c = process.cpuUsage(c0);
  const s = (c.user + c.system) / 1e6;
  cpuTotal += s;
  rates.push(ids.length / s);
}
const wallSeconds = (performance.now() - t0) / 1000;
const sortedRates = [...rates].sort((a, b) => a - b);
const mid = sortedRates.length >> 1;
const medianRate = sortedRates.length % 2 ? sortedRates[mid] : (sortedRates[mid - 1] + sortedRates[mid]) / 2;

const oursPrice = prf(ids.map((id) => score(truth[id].price, ours[id].price, true)));
const basePrice = prf(ids.map((id) => score(truth[id].price, extruct[id]?.price, true)));
// Availability as the benchmark scores it: a missing value counts as InStock.
const oursAvail = prf(
  ids.map((id) =>
    score(truth[id].availability, ours[id].availability === 'OutOfStock' ? 'OutOfStock' : 'InStock', false),
  ),
);
const baseAvail = prf(
  ids.map((id) => score(truth[id].availability, extruct[id]?.availability ?? 'InStock', false)),
);
const oursSku = prf(ids.map((id) => score(truth[id].sku, ours[id].sku, false)));
const baseSku = prf(ids.map((id) => score(truth[id].sku, extruct[id]?.sku, false)));

if (showErrors) {
  for (const id of ids) {
    const s = score(truth[id].price, ours[id].price, true);
    if (s.fp || s.fn)
      console.log(
        `${id.slice(0, 8)} truth=${JSON.stringify(truth[id].price ?? null)} ours=${ours[id].price} (${ours[id].source}) ${truth[id].url.slice(0, 60)}`,
      );
  }
}

const fmt = (m: ReturnType<typeof prf>) =>
  `F1 ${m.f1.toFixed(3)}  P ${m.precision.toFixed(3)}  R ${m.recall.toFixed(3)}  (tp ${m.tp} fp ${m.fp} fn ${m.fn})`;
const bySource: Record<string, number> = {};
for (const id of ids) bySource[ours[id].source ?? 'none'] = (bySource[ours[id].source ?? 'none'] ?? 0) + 1;

console.log(`pages: ${ids.length} (${dir})${withUrl ? ' — with page URLs' : ''}`);
console.log(`price  bacuda   ${fmt(oursPrice)}`);
console.log(`price  extruct  ${fmt(basePrice)}   ratio F1 ${(oursPrice.f1 / basePrice.f1).toFixed(2)}x`);
console.log(`sku    bacuda   ${fmt(oursSku)}`);
console.log(`sku    extruct  ${fmt(baseSku)}`);
console.log(`avail  bacuda   ${fmt(oursAvail)}`);
console.log(`avail  extruct  ${fmt(baseAvail)}`);
console.log(`price sources: ${JSON.stringify(bySource)}`);
console.log(
  `throughput: median ${medianRate.toFixed(1)} pages per CPU-second on one core ` +
    `(min ${sortedRates[0].toFixed(1)}, max ${sortedRates[sortedRates.length - 1].toFixed(1)}; ${passes} timed passes of ` +
    `${ids.length} pages after a warm-up pass, ${cpuTotal.toFixed(2)} CPU s, ${wallSeconds.toFixed(2)} wall s; ` +
    'gunzip + decode + parse + extract)',
);
console.log(
  'published on the full 140 pages: Zyte 0.918, Diffbot 0.824, extruct+price-parser 0.685 (price F1)',
);
