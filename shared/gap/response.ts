import {
  InvalidFilterError,
  type MirrorFilters,
  parseMirrorQuery,
  resolveCifFobFactor,
} from '../mirror/index.ts';
import { CANONICAL, type TradeSource } from '../mirror/source.ts';
import type { QueryEngine } from '../ports/query-engine.ts';
import { type GapResult, revenueGap, tradeGranularity } from './index.ts';
import type { GapSettings } from './sql.ts';

/**
 * GET /v1/gap — the revenue gap for the dashboard's waterfall and breakdowns.
 * Query: reporter, partner, product, period (as /v1/mirror), source=comtrade|declarations,
 * cifFob (number or "estimate"), defaultRate (percent), exchangeRate (declared currency per US$).
 */
export interface GapResponse extends GapResult {
  filters: { reporter: string | null; partner: string | null; product: string | null; period: string | null };
  settings: GapSettings & { source: 'comtrade' | 'declarations'; cifFobEstimated: boolean };
}

type Query = URLSearchParams | Record<string, string | string[] | undefined | null>;

function param(q: Query, name: string): string | undefined {
  const v = q instanceof URLSearchParams ? q.get(name) : q[name];
  const s = Array.isArray(v) ? v[0] : v;
  return s === null || s === undefined || s.trim() === '' ? undefined : s.trim();
}

export async function gapResponse(
  engine: QueryEngine,
  query: Query,
  options: { source?: TradeSource } = {},
): Promise<GapResponse> {
  const source = options.source ?? CANONICAL;
  // Same filters and CIF/FOB handling as /v1/mirror (sorting and paging parameters are ignored).
  const q = parseMirrorQuery(query);
  const sideSource = param(query, 'source') ?? 'comtrade';
  if (sideSource !== 'comtrade' && sideSource !== 'declarations') {
    throw new InvalidFilterError('source must be comtrade or declarations');
  }
  const fxRaw = param(query, 'exchangeRate');
  const exchangeRate = fxRaw === undefined ? 1 : Number(fxRaw);
  if (!Number.isFinite(exchangeRate) || exchangeRate <= 0) {
    throw new InvalidFilterError('exchangeRate must be a positive number');
  }
  const withDeclarations = sideSource === 'declarations';
  if (withDeclarations && !q.filters.reporter) {
    throw new InvalidFilterError('source=declarations needs reporter (the declarations’ country)');
  }
  const { factor, estimated } = await resolveCifFobFactor(engine, q.factor, source);
  const settings: GapSettings = {
    cifFobFactor: factor,
    defaultRatePercent: q.defaultRatePercent,
    exchangeRate,
    periodGranularity: await tradeGranularity(engine, source),
  };
  const filters: MirrorFilters = q.filters;
  const result = await revenueGap(engine, settings, withDeclarations, filters, source);
  return {
    filters: {
      reporter: filters.reporter ?? null,
      partner: filters.partner ?? null,
      product: filters.product ?? null,
      period: filters.period ?? null,
    },
    settings: { ...settings, source: sideSource, cifFobEstimated: estimated },
    ...result,
  };
}
