import { readFile } from 'node:fs/promises';
import { DEFAULT_STORE_DIR } from '../../local/store-folder.ts';
import { FsObjectStore } from '../../shared/adapters/fs-object-store.ts';
import type { ObjectStore } from '../../shared/ports/object-store.ts';
import { parsePricesConfig } from '../../shared/prices/crawl/config.ts';
import { crawlSource } from '../../shared/prices/crawl/crawler.ts';
import { type FxRow, FxTable, parseFxCsv } from '../../shared/prices/fx.ts';
import { type Command, requireString, stringOpt, UserError } from '../command.ts';

/** fx rates: an explicit --fx CSV, else every CSV uploaded under uploads/<ADMIN>/fx/ in the store. */
async function loadFx(store: ObjectStore, admin: string, file: string | undefined): Promise<FxRow[]> {
  if (file) return parseFxCsv(await readFile(file, 'utf8'));
  const rows: FxRow[] = [];
  for (const key of await store.list(`uploads/${admin}/fx/`))
    if (key.endsWith('.csv')) rows.push(...parseFxCsv(await store.getText(key)));
  return rows;
}

/** `bacuda prices crawl --config <json> [--admin ADMIN] [--store DIR] [--fx FILE]` */
export const pricesCrawlCommand: Command = {
  name: 'prices crawl',
  summary: 'Crawl configured shops politely, snapshot pages and upload price observations',
  usage: '--config FILE [--admin ADMIN] [--store DIR] [--fx FILE] [--source ID]',
  options: {
    config: { type: 'string' },
    admin: { type: 'string' },
    store: { type: 'string' },
    fx: { type: 'string' },
    source: { type: 'string' },
  },
  async run(ctx) {
    const configFile = requireString(ctx.values, 'config');
    const adminOpt = stringOpt(ctx.values, 'admin');
    let config: ReturnType<typeof parsePricesConfig>;
    try {
      config = parsePricesConfig(JSON.parse(await readFile(configFile, 'utf8')), adminOpt);
    } catch (err) {
      const e = err as Error & { issues?: { path: PropertyKey[]; message: string }[] };
      const detail = e.issues
        ? e.issues.map((i) => `${i.path.join('.')}: ${i.message}`).join('; ')
        : e.message;
      throw new UserError(`${configFile}: ${detail}`);
    }
    const admins = adminOpt ? [adminOpt] : Object.keys(config.administrations);
    const store = new FsObjectStore(stringOpt(ctx.values, 'store') ?? DEFAULT_STORE_DIR);
    const only = stringOpt(ctx.values, 'source');
    for (const admin of admins) {
      const a = config.administrations[admin];
      if (!a) throw new UserError(`${configFile}: no administration ${admin}`);
      const fxRows = await loadFx(store, admin, stringOpt(ctx.values, 'fx'));
      const fx = new FxTable(a.currency, fxRows);
      for (const source of a.sources) {
        if (only && source.id !== only) continue;
        ctx.log(
          `${admin}/${source.id}: crawling (${source.startUrls.length} start URLs, ${source.sitemaps.length} sitemaps)`,
        );
        const r = await crawlSource({
          store,
          administration: admin,
          source,
          settings: config.settings,
          fx,
          localCurrency: a.currency,
          log: ctx.log,
          signal: ctx.signal,
        });
        const reasons: Record<string, number> = {};
        for (const s of r.skipped) reasons[s.reason] = (reasons[s.reason] ?? 0) + 1;
        ctx.out(
          JSON.stringify({
            administration: admin,
            source: source.id,
            pagesFetched: r.pagesFetched,
            observations: r.observations.length,
            skipped: reasons,
            observationsKey: r.observationsKey,
            manifestKey: r.manifestKey,
          }),
        );
      }
    }
    return 0;
  },
};
