import { tradeGranularity } from '../mirror/declared-imports.ts';
import { CANONICAL, type TradeSource } from '../mirror/source.ts';
import type { MirrorFilters } from '../mirror/sql.ts';
import type { QueryEngine, Row } from '../ports/query-engine.ts';
import { DEFAULT_GAP_SETTINGS, type GapSettings, gapBreakdownSql, gapLinesSql } from './sql.ts';

export { type DeclarationsLoadReport, loadDeclarationsFile } from './load-declarations.ts';
export { type GapResponse, gapResponse } from './response.ts';
export { DEFAULT_GAP_SETTINGS, type GapSettings, gapBreakdownSql, gapLinesSql, tradeGranularity };

export interface GapTotals {
  /** Lines (period × importer × partner × HS6) behind the totals. */
  lines: number;
  potential: number;
  actual: number;
  /** potential − actual = valuationGap + volumeGap + rateGap − overCollection */
  gap: number;
  valuationGap: number;
  volumeGap: number;
  rateGap: number;
  overCollection: number;
  mirrorValue: number;
  declaredValue: number;
}

export interface GapBreakdown extends GapTotals {
  key: string;
}

export interface WaterfallStep {
  step: string;
  /** Signed change (negative for gaps taken off potential), or the level for the first and last bars. */
  amount: number;
  kind: 'total' | 'decrease' | 'increase';
}

export interface GapResult {
  totals: GapTotals;
  waterfall: WaterfallStep[];
  byChapter: GapBreakdown[];
  byPartner: GapBreakdown[];
  byPeriod: GapBreakdown[];
}

const r2 = (v: unknown) => Math.round(Number(v ?? 0) * 100) / 100;

function totalsOf(row: Row | undefined): GapTotals {
  const potential = r2(row?.potential);
  const actual = r2(row?.actual);
  return {
    lines: Number(row?.lines ?? 0),
    potential,
    actual,
    gap: r2(potential - actual),
    valuationGap: r2(row?.valuation_gap),
    volumeGap: r2(row?.volume_gap),
    rateGap: r2(row?.rate_gap),
    overCollection: r2(row?.over_collection),
    mirrorValue: r2(row?.mirror_value),
    declaredValue: r2(row?.declared_value),
  };
}

/** Potential → valuation, volume, rate gaps (down), over-collection (up) → actual. */
export function waterfallOf(t: GapTotals): WaterfallStep[] {
  return [
    { step: 'Potential revenue', amount: t.potential, kind: 'total' },
    { step: 'Valuation gap', amount: -t.valuationGap, kind: 'decrease' },
    { step: 'Volume gap', amount: -t.volumeGap, kind: 'decrease' },
    { step: 'Rate gap', amount: -t.rateGap, kind: 'decrease' },
    { step: 'Collected above statutory', amount: t.overCollection, kind: 'increase' },
    { step: 'Actual revenue', amount: t.actual, kind: 'total' },
  ];
}

/**
 * The revenue gap over the engine's `trade`, `tariffs` and (when withDeclarations) `declarations`
 * tables, with breakdowns by HS chapter, partner and period, largest gap first.
 */
export async function revenueGap(
  engine: QueryEngine,
  settings: GapSettings = DEFAULT_GAP_SETTINGS,
  withDeclarations = false,
  filters: MirrorFilters = {},
  source: TradeSource = CANONICAL,
): Promise<GapResult> {
  const { sql, params } = gapBreakdownSql(settings, withDeclarations, filters, source);
  const rows = await engine.query(sql, params);
  const by = (dimension: string, order: 'gap' | 'key') =>
    rows
      .filter((r) => r.dimension === dimension)
      .map((r) => ({ key: String(r.key ?? 'unknown'), ...totalsOf(r) }))
      .sort((a, b) =>
        order === 'gap' ? b.gap - a.gap || a.key.localeCompare(b.key) : a.key.localeCompare(b.key),
      );
  const totals = totalsOf(rows.find((r) => r.dimension === 'total'));
  return {
    totals,
    waterfall: waterfallOf(totals),
    byChapter: by('chapter', 'gap'),
    byPartner: by('partner', 'gap'),
    byPeriod: by('period', 'key'),
  };
}
