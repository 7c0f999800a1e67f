import type { APIGatewayProxyEvent } from 'aws-lambda';
import { describe, expect, it, vi } from 'vitest';
import { z } from 'zod';
import getHealth from '../../../events/apigateway/get-health.json' with { type: 'json' };
import scoreNoAuth from '../../../events/apigateway/post-fraud-score-no-auth.json' with { type: 'json' };
import { TokenBucketRateLimiter } from '../../../shared/http/rate-limiter.ts';
import { defineRoute } from '../../../shared/http/route.ts';
import { makeRouter } from '../../../shared/http/router.ts';
import type { Principal } from '../../../shared/identity/principal.ts';
import { InvalidTokenError } from '../../../shared/identity/token-verifier.ts';

const official: Principal = {
  subject: 'o1',
  roles: ['official'],
  administration: 'XAA',
  scopes: [],
  name: 'o1',
};
const member: Principal = {
  subject: 'm1',
  roles: ['member-system'],
  administration: 'XAA',
  scopes: ['results/read'],
  name: 'm1',
};
const scorer: Principal = { ...member, subject: 'm2', scopes: ['fraud/score'] };
const verifyToken = async (t: string) => {
  if (t === 'official') return official;
  if (t === 'scorer') return scorer;
  if (t === 'member') return member;
  throw new InvalidTokenError('bad');
};

const spy = vi.fn();
const routes = [
  defineRoute({
    method: 'GET',
    path: '/health',
    summary: 'h',
    tags: [],
    auth: 'public',
    handler: async () => ({ status: 200, body: { status: 'ok' } }),
  }),
  defineRoute({
    method: 'GET',
    path: '/v1/items/{id}',
    summary: 'item',
    tags: [],
    auth: { roles: ['official', 'member-system'], scopes: ['results/read'] },
    query: z.object({ limit: z.coerce.number().int().min(1).max(100).default(10) }),
    handler: async (req) => {
      spy(req.params.id, req.query.limit);
      return {
        status: 200,
        body: { id: req.params.id, limit: req.query.limit, who: req.principal?.subject },
      };
    },
  }),
  defineRoute({
    method: 'POST',
    path: '/v1/fraud/score',
    summary: 'score',
    tags: [],
    auth: { roles: ['member-system'], scopes: ['fraud/score'] },
    body: z.object({ administration: z.string() }),
    handler: async () => ({ status: 200, body: {} }),
  }),
];

function event(path: string, init: Partial<APIGatewayProxyEvent> = {}): APIGatewayProxyEvent {
  return { ...(getHealth as unknown as APIGatewayProxyEvent), path, ...init };
}
const bearer = (t: string) => ({ headers: { Authorization: `Bearer ${t}` } });
const json = (r: { body: string }) => JSON.parse(r.body);

describe('API router', () => {
  const handle = makeRouter(routes, {}, { verifyToken, maxBodyBytes: 200 });

  it('serves public routes from a real API Gateway event', async () => {
    const res = await handle(getHealth as unknown as APIGatewayProxyEvent);
    expect(res.statusCode).toBe(200);
    expect(json(res)).toEqual({ status: 'ok' });
  });

  it('answers 401 with a stable JSON error when the token is missing or invalid', async () => {
    const res = await handle(scoreNoAuth as unknown as APIGatewayProxyEvent);
    expect(res.statusCode).toBe(401);
    expect(json(res).error.code).toBe('unauthorized');
    expect((await handle(event('/v1/items/a', bearer('forged')))).statusCode).toBe(401);
  });

  it('passes path parameters and validated, defaulted query values to the handler', async () => {
    const res = await handle(
      event('/v1/items/abc', { ...bearer('official'), queryStringParameters: { limit: '5' } }),
    );
    expect(json(res)).toEqual({ id: 'abc', limit: 5, who: 'o1' });
    expect(json(await handle(event('/v1/items/abc', bearer('official'))))).toMatchObject({ limit: 10 });
  });

  it('refuses invalid query values with 400 and details', async () => {
    const res = await handle(
      event('/v1/items/abc', { ...bearer('official'), queryStringParameters: { limit: '0' } }),
    );
    expect(res.statusCode).toBe(400);
    expect(json(res).error.details[0].path).toBe('limit');
  });

  it.each(["a'b", '..', '%2e%2e%2fetc', 'a;DROP'])(
    'refuses hostile path parameter %s before the handler',
    async (p) => {
      spy.mockClear();
      const res = await handle(event(`/v1/items/${p}`, bearer('official')));
      expect(res.statusCode).toBe(400);
      expect(spy).not.toHaveBeenCalled();
    },
  );

  it('checks roles and member-system scopes', async () => {
    expect((await handle(event('/v1/items/a', bearer('member')))).statusCode).toBe(200);
    const score = { ...bearer('member'), httpMethod: 'POST', body: '{"administration":"XAA"}' };
    const res = await handle(event('/v1/fraud/score', score));
    expect(res.statusCode).toBe(403);
    expect(json(res).error.message).toContain('fraud/score');
    expect((await handle(event('/v1/fraud/score', { ...score, ...bearer('official') }))).statusCode).toBe(
      403,
    );
  });

  it('answers 404 for unknown paths and 405 for the wrong method', async () => {
    expect((await handle(event('/v1/nope'))).statusCode).toBe(404);
    expect((await handle(event('/health', { httpMethod: 'DELETE' }))).statusCode).toBe(405);
  });

  it('answers 413 for bodies over the limit and 400 for malformed JSON', async () => {
    const big = {
      ...bearer('scorer'),
      httpMethod: 'POST',
      body: JSON.stringify({ administration: 'x'.repeat(500) }),
    };
    expect((await handle(event('/v1/fraud/score', big))).statusCode).toBe(413);
    const broken = { ...bearer('scorer'), httpMethod: 'POST', body: '{"administration":' };
    const res = await handle(event('/v1/fraud/score', broken));
    expect(res.statusCode).toBe(400);
    expect(json(res).error.message).toContain('not valid JSON');
    const ok = { ...bearer('scorer'), httpMethod: 'POST', body: '{"administration":"XAA"}' };
    expect((await handle(event('/v1/fraud/score', ok))).statusCode).toBe(200);
  });

  it('answers 429 with Retry-After once the caller exceeds its rate', async () => {
    let now = 0;
    const limiter = new TokenBucketRateLimiter(1, 2, () => now);
    const limited = makeRouter(routes, {}, { verifyToken, rateLimit: (k) => limiter.take(k) });
    const codes = [];
    for (let i = 0; i < 3; i++) codes.push((await limited(event('/health'))).statusCode);
    expect(codes).toEqual([200, 200, 429]);
    const res = await limited(event('/health'));
    expect(res.headers?.['retry-after']).toBe('1');
    now += 1500;
    expect((await limited(event('/health'))).statusCode).toBe(200);
  });

  it('hides internal errors behind a 500 with a request id', async () => {
    const boom = defineRoute({
      method: 'GET',
      path: '/boom',
      summary: '',
      tags: [],
      auth: 'public',
      handler: async () => {
        throw new Error('secret detail');
      },
    });
    const errors = vi.spyOn(console, 'error').mockImplementation(() => undefined);
    const res = await makeRouter([boom], {}, { verifyToken })(event('/boom'));
    expect(res.statusCode).toBe(500);
    expect(res.body).not.toContain('secret detail');
    errors.mockRestore();
  });
});
