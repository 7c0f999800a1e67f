import { mulberry32 } from './forest/rng.ts';
import { rankOrder, selectionSize } from './metrics.ts';

export interface SelectionOptions {
  /** Inspection rate in percent of the declarations (k%). */
  kPercent: number;
  /** Share of the budget spent on exploration instead of the top of the ranking (default 0.1). */
  exploration?: number;
  /** 'random': uniform among the unselected; 'uncertainty': those whose P(fraud) is closest to 0.5. */
  strategy?: 'random' | 'uncertainty';
  seed?: number;
}

export interface Selection {
  /** Row indices to inspect, ranking picks first, then exploration picks. */
  rows: Int32Array;
  /** Per selected row: 'ranking' or 'exploration'. */
  reasons: ('ranking' | 'exploration')[];
  /** Position of every row in the ranking (0 = highest priority). */
  rankOf: Int32Array;
}

/**
 * Picks k% of the declarations for inspection: most by priority (expected recovered revenue, or
 * P(fraud)), and an exploration share outside the top, so that inspections keep producing labels for
 * declarations the model would not pick and the next model learns from fresh outcomes.
 */
export function selectForInspection(
  priority: ArrayLike<number>,
  probability: ArrayLike<number>,
  options: SelectionOptions,
  tieBreak?: ArrayLike<number>,
): Selection {
  const n = priority.length;
  const exploration = options.exploration ?? 0.1;
  if (!(options.kPercent > 0 && options.kPercent <= 100))
    throw new RangeError('the inspection rate must be in (0, 100] percent');
  if (!(exploration >= 0 && exploration <= 1))
    throw new RangeError('the exploration share must be in [0, 1]');
  const order = rankOrder(priority, tieBreak);
  const rankOf = new Int32Array(n);
  order.forEach((row, pos) => {
    rankOf[row] = pos;
  });
  const budget = selectionSize(n, options.kPercent);
  const explore = Math.min(n - Math.min(n, budget), Math.round(budget * exploration));
  const exploit = budget - explore;
  const rows: number[] = Array.from(order.subarray(0, exploit));
  const reasons: Selection['reasons'] = rows.map(() => 'ranking');
  const rest = Array.from(order.subarray(exploit));
  if (explore > 0) {
    let picks: number[];
    if (options.strategy === 'uncertainty') {
      picks = rest
        .sort((a, b) => Math.abs(probability[a] - 0.5) - Math.abs(probability[b] - 0.5) || a - b)
        .slice(0, explore);
    } else {
      const rand = mulberry32(options.seed ?? 1);
      // Partial Fisher-Yates: a uniform sample without replacement.
      for (let i = 0; i < explore; i++) {
        const j = i + Math.floor(rand() * (rest.length - i));
        [rest[i], rest[j]] = [rest[j], rest[i]];
      }
      picks = rest.slice(0, explore);
    }
    for (const p of picks) {
      rows.push(p);
      reasons.push('exploration');
    }
  }
  return { rows: Int32Array.from(rows), reasons, rankOf };
}
