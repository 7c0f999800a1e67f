import { describe, expect, it } from 'vitest';
import { evaluateRanking, prAuc, rankOrder, rocAuc, selectionSize } from '../../../shared/fraud/metrics.ts';
import { selectForInspection } from '../../../shared/fraud/selection.ts';

describe('fraud metrics', () => {
  it('computes ROC-AUC with ties as half-wins and PR-AUC as average precision', () => {
    expect(rocAuc([0.9, 0.8, 0.7, 0.1], [1, 1, 0, 0])).toBe(1);
    expect(rocAuc([0.1, 0.8, 0.7, 0.9], [1, 1, 0, 0])).toBe(0.25);
    expect(rocAuc([0.5, 0.5], [1, 0])).toBe(0.5);
    expect(rocAuc([0.5, 0.4], [0, 0])).toBeNull();
    // Ranking 1,0,1: AP = (1/1 + 2/3) / 2.
    expect(prAuc([0.9, 0.8, 0.7], [1, 0, 1])).toBeCloseTo((1 + 2 / 3) / 2, 12);
    expect(prAuc([0.9, 0.8], [0, 0])).toBeNull();
  });

  it('reports precision, recall and revenue at k% of the ranking', () => {
    const n = 200;
    const labels = Array.from({ length: n }, (_, i) => (i < 10 || i % 20 === 0 ? 1 : 0));
    const revenue = labels.map((y, i) => (y ? i + 1 : 0));
    const scores = Array.from({ length: n }, (_, i) => n - i);
    const m = evaluateRanking(rankOrder(scores), scores, labels, revenue);
    expect(selectionSize(n, 5)).toBe(10);
    expect(m['precision@5']).toBe(1);
    expect(m['precision@10']).toBe(10 / 20);
    expect(m['recall@5']).toBe(10 / 19);
    const total = revenue.reduce((a, b) => a + b, 0);
    expect(m['revenue@1']).toBeCloseTo(3 / total, 12);
    expect(m.testPositives).toBe(19);
  });

  it('marks recall, revenue and AUC undefined (null) when the test set has no frauds', () => {
    const m = evaluateRanking(rankOrder([3, 2, 1]), [3, 2, 1], [0, 0, 0], null);
    expect(m['recall@5']).toBeNull();
    expect(m['revenue@5']).toBeNull();
    expect(m.rocAuc).toBeNull();
    expect(m['precision@5']).toBe(0);
  });
});

describe('selection with exploration', () => {
  it('spends the exploration share outside the top of the ranking', () => {
    const priority = Array.from({ length: 1000 }, (_, i) => 1000 - i);
    const sel = selectForInspection(
      priority,
      priority.map((p) => p / 1000),
      { kPercent: 5, exploration: 0.1, seed: 3 },
    );
    expect(sel.rows.length).toBe(50);
    expect(sel.reasons.filter((r) => r === 'exploration').length).toBe(5);
    expect(Array.from(sel.rows.slice(0, 45))).toEqual(Array.from({ length: 45 }, (_, i) => i));
    for (const r of sel.rows.slice(45)) expect(r).toBeGreaterThanOrEqual(45);
    const unc = selectForInspection(
      priority,
      priority.map((p) => p / 1000),
      { kPercent: 5, strategy: 'uncertainty' },
    );
    expect(Array.from(unc.rows.slice(45)).every((r) => Math.abs(r - 500) <= 3)).toBe(true);
    const none = selectForInspection(priority, priority, { kPercent: 5, exploration: 0 });
    expect(none.reasons.every((r) => r === 'ranking')).toBe(true);
  });
});
