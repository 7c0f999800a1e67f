import { mkdtemp, rm } from 'node:fs/promises';
import { tmpdir } from 'node:os';
import { join } from 'node:path';
import { afterAll, beforeAll, describe, expect, it } from 'vitest';
import type { ApiDeps } from '../../../functions/api/deps.ts';
import { pipelineRunsRoute } from '../../../functions/api/routes/pipeline-runs.ts';
import { FsObjectStore } from '../../../shared/adapters/fs-object-store.ts';
import type { ApiRequest } from '../../../shared/http/route.ts';
import type { Principal } from '../../../shared/identity/principal.ts';
import { type RunRecord, writeRun, writeStage } from '../../../shared/pipeline/runs.ts';

let root: string;
let deps: ApiDeps;

function run(admin: string, runId: string, status: RunRecord['status'], startedAt: string): RunRecord {
  return {
    runId,
    administration: admin,
    kind: 'weekly',
    status,
    startedAt,
    asOf: startedAt.slice(0, 10),
    attempt: 1,
    publishable: status === 'SUCCEEDED',
    outputs: {},
    trigger: 'schedule',
  };
}

beforeAll(async () => {
  root = await mkdtemp(join(tmpdir(), 'bacuda-runs-route-'));
  const store = new FsObjectStore(root);
  deps = { store, query: {} as ApiDeps['query'], now: () => new Date('2026-01-10T00:00:00Z'), mode: 'local' };
  await writeRun(store, run('XAA', 'run-a1', 'SUCCEEDED', '2026-01-01T00:00:00.000Z'));
  await writeRun(store, run('XAA', 'run-a2', 'FAILED', '2026-01-08T00:00:00.000Z'));
  await writeRun(store, run('XBB', 'run-b1', 'SUCCEEDED', '2026-01-05T00:00:00.000Z'));
  const ref = {
    runId: 'run-a2',
    administration: 'XAA',
    kind: 'weekly' as const,
    startedAt: '',
    asOf: '',
    attempt: 1,
  };
  await writeStage(store, ref, {
    stage: 'PrepareRun',
    status: 'SUCCEEDED',
    startedAt: '2026-01-08T00:00:00.000Z',
    endedAt: '2026-01-08T00:00:01.000Z',
    attempt: 1,
    invocations: 1,
    output: { big: 'plan' },
  });
});

afterAll(() => rm(root, { recursive: true, force: true }));

function call(principal: Principal, query: Record<string, unknown> = {}) {
  const req = {
    method: 'GET',
    path: '/v1/pipeline/runs',
    params: {},
    query: { limit: 20, ...query },
    body: undefined,
    rawBody: null,
    headers: {},
    principal,
    sourceIp: '127.0.0.1',
    requestId: 'r1',
  } as unknown as ApiRequest<never, never>;
  return pipelineRunsRoute.handler(req as never, deps);
}

const official = (admin: string): Principal => ({
  subject: `o-${admin}`,
  roles: ['official'],
  administration: admin,
  scopes: [],
  name: 'o',
});

describe('GET /v1/pipeline/runs', () => {
  it('shows an official the runs of their own administration, newest first, with the stage timeline', async () => {
    const res = await call(official('XAA'));
    const runs = (res.body as { runs: { runId: string; stages: Record<string, unknown>[] }[] }).runs;
    expect(runs.map((r) => r.runId)).toEqual(['run-a2', 'run-a1']);
    expect(runs[0].stages).toEqual([expect.objectContaining({ stage: 'PrepareRun', status: 'SUCCEEDED' })]);
    expect(runs[0].stages[0].output).toBeUndefined();
  });

  it('refuses another administration to an official', async () => {
    await expect(call(official('XAA'), { administration: 'XBB' })).rejects.toMatchObject({ status: 403 });
  });

  it('shows a WCO administrator every run, filterable by status', async () => {
    const admin: Principal = {
      subject: 'w',
      roles: ['wco-admin'],
      administration: null,
      scopes: [],
      name: 'w',
    };
    const all = (await call(admin)).body as { runs: { runId: string }[] };
    expect(all.runs.map((r) => r.runId)).toEqual(['run-a2', 'run-b1', 'run-a1']);
    const failed = (await call(admin, { status: 'FAILED' })).body as { runs: { runId: string }[] };
    expect(failed.runs.map((r) => r.runId)).toEqual(['run-a2']);
  });
});
