import { afterEach, beforeEach, describe, expect, it, vi } from 'vitest';
import { CONFIDENTIALITY_STATEMENT } from '../../../shared/access/confidentiality.ts';
import { publishPreliminaryResult } from '../../../shared/access/results.ts';
import { apiHarness } from './harness.ts';

let h: Awaited<ReturnType<typeof apiHarness>>;
beforeEach(async () => {
  h = await apiHarness();
});
afterEach(() => h.cleanup());

async function seedResult(admin: string, id: string) {
  await h.store.put(`results/${admin}/fraud/${id}/summary.json`, JSON.stringify({ auc: 0.8 }));
  await publishPreliminaryResult(h.store, {
    administration: admin,
    series: 'fraud',
    id,
    title: `Fraud scores ${id}`,
    summary: 'Top 5% selection',
  });
}

describe('results and approvals', () => {
  it('keeps preliminary results inside the administration until an official approves them', async () => {
    await seedResult('XAA', 'r1');
    await seedResult('XAA', 'r2');
    const xaa = await h.token('official', 'XAA');
    const xbb = await h.token('official', 'XBB');

    const inbox = await h.call('GET', '/v1/approvals', { token: xaa });
    expect(inbox.status).toBe(200);
    expect(inbox.json.items.map((r: { id: string }) => r.id).sort()).toEqual(['r1', 'r2']);
    expect((await h.call('GET', '/v1/approvals', { token: xbb })).json.items).toEqual([]);

    expect((await h.call('GET', '/v1/results/XAA/fraud/r1', { token: xbb })).status).toBe(403);
    expect((await h.call('GET', '/v1/results/XAA/fraud/r1/files/summary.json', { token: xbb })).status).toBe(
      403,
    );
    expect((await h.call('GET', '/v1/results', { token: xbb })).json.items).toEqual([]);
    // Another administration's official cannot approve.
    expect((await h.call('POST', '/v1/results/XAA/fraud/r1/approve', { token: xbb, body: {} })).status).toBe(
      403,
    );

    const approved = await h.call('POST', '/v1/results/XAA/fraud/r1/approve', {
      token: xaa,
      body: { comment: 'matches our figures' },
    });
    expect(approved.status).toBe(200);
    expect(approved.json).toMatchObject({ status: 'approved', decision: { comment: 'matches our figures' } });
    expect((await h.call('POST', '/v1/results/XAA/fraud/r1/approve', { token: xaa, body: {} })).status).toBe(
      409,
    );
    expect((await h.call('POST', '/v1/results/XAA/fraud/r2/reject', { token: xaa, body: {} })).status).toBe(
      400,
    );
    expect(
      (
        await h.call('POST', '/v1/results/XAA/fraud/r2/reject', {
          token: xaa,
          body: { comment: 'wrong period' },
        })
      ).status,
    ).toBe(200);

    // Approved results are visible beyond the administration; rejected ones are not.
    const seen = await h.call('GET', '/v1/results', { token: xbb });
    expect(seen.json.items.map((r: { id: string }) => r.id)).toEqual(['r1']);
    const file = await h.call('GET', '/v1/results/XAA/fraud/r1/files/summary.json', { token: xbb });
    expect(file.status).toBe(200);
    expect(JSON.parse(file.text)).toEqual({ auc: 0.8 });
    expect((await h.call('GET', '/v1/results/XAA/fraud/r2', { token: xbb })).status).toBe(403);
    const catalogue = await h.call('GET', '/v1/series', { token: xbb });
    expect(catalogue.json.items).toHaveLength(5);
    expect(
      catalogue.json.items
        .find((s: { id: string }) => s.id === 'fraud')
        .results.map((r: { id: string }) => r.id),
    ).toEqual(['r1']);

    const audit = await h.call('GET', '/v1/audit', { token: xaa });
    expect(audit.json.items.map((e: { action: string }) => e.action)).toEqual(
      expect.arrayContaining(['result.approve', 'result.reject']),
    );
    expect((await h.call('GET', '/v1/audit', { token: xbb, query: { administration: 'XAA' } })).status).toBe(
      403,
    );
  });

  it('pages result lists', async () => {
    for (const id of ['a', 'b', 'c']) await seedResult('XAA', id);
    const xaa = await h.token('official', 'XAA');
    const p1 = await h.call('GET', '/v1/results', { token: xaa, query: { limit: '2' } });
    expect(p1.json.items).toHaveLength(2);
    const p2 = await h.call('GET', '/v1/results', {
      token: xaa,
      query: { limit: '2', cursor: p1.json.nextCursor },
    });
    expect(p2.json.items).toHaveLength(1);
    expect(p2.json.nextCursor).toBeNull();
    expect((await h.call('GET', '/v1/results', { token: xaa, query: { limit: '500' } })).status).toBe(400);
  });
});

describe('access requests, grants and the confidentiality statement', () => {
  it('turns an approved access request into a local account', async () => {
    const submitted = await h.call('POST', '/v1/access-requests', {
      ip: '203.0.113.50',
      body: {
        name: 'Ana Lyst',
        email: 'ana@example.org',
        username: 'ana.lyst',
        organisation: 'WCO',
        role: 'analyst',
        reason: 'Mirror analysis for the 2026 study.',
      },
    });
    expect(submitted.status).toBe(202);
    const admin = await h.token('wco-admin');
    const list = await h.call('GET', '/v1/access-requests', { token: admin, query: { status: 'pending' } });
    expect(list.json.items).toHaveLength(1);
    const official = await h.token('official', 'XAA');
    expect((await h.call('GET', '/v1/access-requests', { token: official })).status).toBe(403);
    const approved = await h.call('POST', `/v1/access-requests/${submitted.json.id}/approve`, {
      token: admin,
      body: { comment: 'welcome' },
    });
    expect(approved.status).toBe(200);
    expect(approved.json.user.temporaryPassword).toEqual(expect.any(String));
    expect(await h.users.verify('ana.lyst', approved.json.user.temporaryPassword)).toMatchObject({
      role: 'analyst',
    });
    expect(
      (await h.call('POST', `/v1/access-requests/${submitted.json.id}/approve`, { token: admin, body: {} }))
        .status,
    ).toBe(409);
  });

  it('throttles anonymous access requests per source address', async () => {
    const body = {
      name: 'Flood',
      email: 'f@example.org',
      username: 'flood',
      organisation: 'XX Org',
      role: 'analyst',
      reason: 'xxxxxxxxxxxxxxxx',
    };
    const statuses = [];
    for (let i = 0; i < 7; i++)
      statuses.push((await h.call('POST', '/v1/access-requests', { ip: '203.0.113.99', body })).status);
    expect(statuses.slice(0, 5)).toEqual([202, 202, 202, 202, 202]);
    expect(statuses.slice(5)).toEqual([429, 429]);
  });

  it('lets an analyst read a granting administration only after accepting the statement', async () => {
    const analyst = await h.token('analyst', null, { username: 'ana', subject: 'sub-ana' });
    const xaa = await h.token('official', 'XAA');
    await seedResult('XAA', 'r1');
    expect((await h.call('GET', '/v1/results/XAA/fraud/r1', { token: analyst })).status).toBe(403);
    const grant = await h.call('POST', '/v1/grants', {
      token: xaa,
      body: { administration: 'XAA', analyst: 'ana' },
    });
    expect(grant.status).toBe(201);
    expect(
      (await h.call('POST', '/v1/grants', { token: xaa, body: { administration: 'XBB', analyst: 'ana' } }))
        .status,
    ).toBe(403);
    const blocked = await h.call('GET', '/v1/results/XAA/fraud/r1', { token: analyst });
    expect(blocked.json.error.code).toBe('confidentiality_required');
    expect(
      (await h.call('POST', '/v1/confidentiality/accept', { token: analyst, body: { version: 'old' } }))
        .status,
    ).toBe(409);
    const accepted = await h.call('POST', '/v1/confidentiality/accept', {
      token: analyst,
      body: { version: CONFIDENTIALITY_STATEMENT.version },
    });
    expect(accepted.json).toMatchObject({
      version: CONFIDENTIALITY_STATEMENT.version,
      sourceIp: '198.51.100.7',
    });
    expect((await h.call('GET', '/v1/results/XAA/fraud/r1', { token: analyst })).status).toBe(200);
    expect((await h.call('GET', '/v1/me', { token: analyst })).json.readableAdministrations).toEqual(['XAA']);
    const revoked = await h.call('DELETE', `/v1/grants/XAA/${grant.json.id}`, { token: xaa });
    expect(revoked.json.revokedAt).toEqual(expect.any(String));
    expect((await h.call('GET', '/v1/results/XAA/fraud/r1', { token: analyst })).status).toBe(403);
    const audit = await h.call('GET', '/v1/audit', { token: await h.token('wco-admin') });
    expect(audit.json.items.map((e: { action: string }) => e.action)).toEqual(
      expect.arrayContaining(['grant.create', 'grant.revoke', 'confidentiality.accept', 'data.read']),
    );
  });
});

describe('uploads', () => {
  it('accepts a direct PUT locally and reports ingestion from the manifest', async () => {
    const xaa = await h.token('official', 'XAA');
    const ask = await h.call('POST', '/v1/uploads', {
      token: xaa,
      body: { administration: 'XAA', dataset: 'declarations', fileName: 'april.csv', size: 12 },
    });
    expect(ask.json).toMatchObject({ method: 'PUT', url: '/v1/uploads/XAA/declarations/april.csv' });
    const put = await h.call('PUT', ask.json.url, { token: xaa, raw: 'a,b\n1,2\n', contentType: 'text/csv' });
    expect(put.status).toBe(201);
    expect(await h.store.getText('uploads/XAA/declarations/april.csv')).toBe('a,b\n1,2\n');
    let list = await h.call('GET', '/v1/uploads', { token: xaa });
    expect(list.json.items).toEqual([expect.objectContaining({ fileName: 'april.csv', status: 'received' })]);
    await h.store.put(
      'manifests/XAA/declarations/u1.json',
      JSON.stringify({
        uploadId: 'u1',
        dataset: 'declarations',
        status: 'ingested',
        source: { key: 'uploads/XAA/declarations/april.csv' },
        rowsIn: 1,
        rowsAccepted: 1,
        rowsRejected: 0,
        finishedAt: '2026-05-01T00:00:00Z',
      }),
    );
    list = await h.call('GET', '/v1/uploads', { token: xaa });
    expect(list.json.items[0]).toMatchObject({ status: 'ingested', manifest: { rowsAccepted: 1 } });
    const xbb = await h.token('official', 'XBB');
    expect((await h.call('PUT', ask.json.url, { token: xbb, raw: 'x' })).status).toBe(403);
    expect(
      (await h.call('GET', '/v1/uploads', { token: xbb, query: { administration: 'XAA' } })).status,
    ).toBe(403);
  });

  it('hands out presigned URLs in the cloud', async () => {
    const cloud = await apiHarness(
      {},
      {
        mode: 'cloud',
        uploadSigner: { presignPut: async (key) => `https://lake.s3.example/${key}?X-Amz-Signature=x` },
      },
    );
    try {
      const token = await cloud.token('member-system', 'XAA', { scopes: ['data/upload'] });
      const ask = await cloud.call('POST', '/v1/uploads', {
        token,
        body: { administration: 'XAA', dataset: 'trade', fileName: 'trade.csv', size: 1e9 },
      });
      expect(ask.json).toMatchObject({
        url: 'https://lake.s3.example/uploads/XAA/trade/trade.csv?X-Amz-Signature=x',
      });
      expect(ask.json.expiresAt).toEqual(expect.any(String));
    } finally {
      await cloud.cleanup();
    }
  });
});

describe('OpenAPI', () => {
  it('documents every route from its schemas and renders a docs page', async () => {
    const doc = await h.call('GET', '/v1/openapi.json');
    expect(doc.json.openapi).toBe('3.1.0');
    const { apiRoutes } = await import('../../../functions/api/routes/index.ts');
    for (const r of apiRoutes)
      expect(doc.json.paths[r.path]?.[r.method.toLowerCase()], `${r.method} ${r.path}`).toBeDefined();
    const grants = doc.json.paths['/v1/grants'].post;
    expect(grants.requestBody.content['application/json'].schema.properties.administration.pattern).toBe(
      '^[A-Z]{2,8}$',
    );
    const page = await h.call('GET', '/v1/docs');
    expect(page.headers['content-type']).toMatch(/text\/html/);
    expect(page.text).toContain('/v1/results/{administration}/{series}/{id}/approve');
  });
});

describe('datasets and named queries', () => {
  it('runs allow-listed queries for the caller’s administration with bound values only', async () => {
    const xaa = await h.token('official', 'XAA');
    vi.mocked(h.query.query).mockResolvedValueOnce([{ count: 42 }]);
    const res = await h.call('GET', '/v1/queries/declarations.count', {
      token: xaa,
      query: { from: '2013-01-01' },
    });
    expect(res.status).toBe(200);
    expect(res.json).toMatchObject({
      query: 'declarations.count',
      administration: 'XAA',
      items: [{ count: 42 }],
    });
    const [sql, values] = vi.mocked(h.query.query).mock.calls[0];
    expect(sql).not.toContain('2013');
    expect(values).toEqual(['XAA', '2013-01-01']);
    expect(
      (await h.call('GET', '/v1/queries/declarations.count', { token: xaa, query: { bogus: '1' } })).status,
    ).toBe(400);
    expect((await h.call('GET', '/v1/queries/no.such', { token: xaa })).status).toBe(404);
    expect(
      (
        await h.call('GET', '/v1/queries/declarations.count', {
          token: xaa,
          query: { administration: 'XBB' },
        })
      ).status,
    ).toBe(403);
    const list = await h.call('GET', '/v1/queries', { token: xaa });
    expect(list.json.items.map((q: { name: string }) => q.name)).toContain('declarations.count');
    const datasets = await h.call('GET', '/v1/datasets', { token: xaa });
    expect(datasets.json.items.map((d: { name: string }) => d.name)).toContain('declarations');
  });
});
