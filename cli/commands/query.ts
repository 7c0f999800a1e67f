import { DEFAULT_STORE_DIR } from '../../local/store-folder.ts';
import { DuckDbQueryEngine } from '../../shared/adapters/duckdb-query-engine.ts';
import { localLakeTables } from '../../shared/ingest/datasets.ts';
import { NAMED_QUERIES, QueryInputError, runNamedQuery } from '../../shared/queries/index.ts';
import { type Command, requireString, stringOpt, UsageError, UserError } from '../command.ts';

function parseParams(raw: string | boolean | string[] | boolean[] | undefined): Record<string, string> {
  const list = raw === undefined ? [] : Array.isArray(raw) ? raw : [raw];
  const out: Record<string, string> = {};
  for (const item of list) {
    if (typeof item !== 'string') throw new UsageError('--param takes k=v');
    const eq = item.indexOf('=');
    if (eq <= 0) throw new UsageError(`--param must be k=v, got "${item}"`);
    const key = item.slice(0, eq);
    if (key in out) throw new UsageError(`--param ${key} given twice`);
    out[key] = item.slice(eq + 1);
  }
  return out;
}

export const queryCommand: Command = {
  name: 'query',
  summary: 'Run a named query for one administration over the local lake; prints JSON rows',
  usage: `<name> --admin ADMIN [--param k=v ...] [--store DIR]   (names: ${[...NAMED_QUERIES.keys()].join(', ')})`,
  options: {
    admin: { type: 'string' },
    param: { type: 'string', multiple: true },
    store: { type: 'string' },
  },
  allowPositionals: true,
  async run({ values, positionals, out, signal }) {
    if (positionals.length !== 1) throw new UsageError('give exactly one query name');
    const [name] = positionals;
    const admin = requireString(values, 'admin');
    const params = parseParams(values.param);
    const engine = new DuckDbQueryEngine(localLakeTables(stringOpt(values, 'store') ?? DEFAULT_STORE_DIR));
    try {
      const rows = await runNamedQuery(engine, name, admin, params, { signal });
      out(JSON.stringify(rows));
      return 0;
    } catch (err) {
      if (err instanceof QueryInputError) throw new UsageError(err.message);
      throw new UserError((err as Error).message);
    } finally {
      await engine.close();
    }
  },
};
