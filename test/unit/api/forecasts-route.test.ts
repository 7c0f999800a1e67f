import { afterEach, beforeEach, describe, expect, it } from 'vitest';
import { apiHarness } from './harness.ts';

type Harness = Awaited<ReturnType<typeof apiHarness>>;

/** Writes a forecast result as the pipeline's publish step leaves it. */
async function putForecast(
  h: Harness,
  admin: string,
  id: string,
  createdAt: string,
  history: number[],
  lo80: number,
) {
  await h.store.put(
    `results/${admin}/forecast/${id}/status.json`,
    JSON.stringify({
      id,
      administration: admin,
      series: 'forecast',
      title: 'Revenue forecast',
      summary: '',
      createdAt,
      source: `pipeline run ${id}`,
      status: 'preliminary',
      decision: null,
      history: [],
      files: ['forecasts.json'],
    }),
  );
  const months = history.map((value, i) => ({ period: `2013-${String(i + 1).padStart(2, '0')}`, value }));
  await h.store.put(
    `results/${admin}/forecast/${id}/forecasts.json`,
    JSON.stringify({
      administration: admin,
      runId: id,
      series: [
        {
          name: 'total-taxes',
          method: 'combo',
          history: months,
          forecasts: [1, 2, 3].map((k) => ({
            period: `2013-${String(history.length + k).padStart(2, '0')}`,
            mean: 100,
            lo80: lo80,
            hi80: 120,
            lo95: lo80 - 10,
            hi95: 130,
          })),
        },
      ],
    }),
  );
}

describe('GET /v1/forecasts', () => {
  let h: Harness;
  beforeEach(async () => {
    h = await apiHarness();
  });
  afterEach(() => h.cleanup());

  it("returns the administration's latest forecast with intervals", async () => {
    await putForecast(h, 'XAA', 'run-1', '2013-07-01T00:00:00Z', [100, 101, 99, 100, 102, 98], 90);
    const res = await h.call('GET', '/v1/forecasts', { token: await h.token('official', 'XAA') });
    expect(res.status).toBe(200);
    expect(res.json).toMatchObject({ administration: 'XAA', resultId: 'run-1', status: 'preliminary' });
    expect(res.json.series[0].forecasts[0]).toEqual({
      period: '2013-07',
      mean: 100,
      lo80: 90,
      hi80: 120,
      lo95: 80,
      hi95: 130,
    });
  });

  it('warns of months that fell below the previous forecast’s 80% interval', async () => {
    await putForecast(h, 'XAA', 'run-1', '2013-07-01T00:00:00Z', [100, 101, 99, 100, 102, 98], 90);
    // A later run whose history shows July far below what run-1 expected, August within the interval.
    await putForecast(h, 'XAA', 'run-2', '2013-09-01T00:00:00Z', [100, 101, 99, 100, 102, 98, 60, 95], 85);
    const res = await h.call('GET', '/v1/forecasts', {
      token: await h.token('official', 'XAA'),
      query: { series: 'total-taxes' },
    });
    expect(res.json.resultId).toBe('run-2');
    expect(res.json.earlyWarnings).toEqual([
      { series: 'total-taxes', period: '2013-07', actual: 60, expected: 100, lo80: 90, shortfall: 30 },
    ]);
  });

  it("refuses another administration's forecasts and unknown series", async () => {
    await putForecast(h, 'XAA', 'run-1', '2013-07-01T00:00:00Z', [100, 101], 90);
    const other = await h.call('GET', '/v1/forecasts', {
      token: await h.token('official', 'XBB'),
      query: { administration: 'XAA' },
    });
    expect(other.status).toBe(403);
    const unknown = await h.call('GET', '/v1/forecasts', {
      token: await h.token('official', 'XAA'),
      query: { series: 'nope' },
    });
    expect(unknown.status).toBe(404);
    const hostile = await h.call('GET', '/v1/forecasts', {
      token: await h.token('official', 'XAA'),
      query: { series: "x'; DROP TABLE y; --" },
    });
    expect(hostile.status).toBe(400);
  });

  it('answers 404 before any forecast exists', async () => {
    const res = await h.call('GET', '/v1/forecasts', { token: await h.token('official', 'XAA') });
    expect(res.status).toBe(404);
  });
});
