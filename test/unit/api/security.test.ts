/**
 * Table-driven security tests over EVERY registered route (iterating apiRoutes, so routes added later are
 * covered without editing this file): authentication, roles and scopes, tenant isolation, injection in
 * parameters, body size limits and throttling.
 */
import { readFile } from 'node:fs/promises';
import { join } from 'node:path';
import { importJWK, type JWK, SignJWT } from 'jose';
import { afterAll, beforeAll, describe, expect, it, vi } from 'vitest';
import { apiRoutes } from '../../../functions/api/routes/index.ts';
import { LOCAL_ISSUER, type LocalTokenIssuer } from '../../../local/token-issuer.ts';
import { TokenBucketRateLimiter } from '../../../shared/http/rate-limiter.ts';
import type { Route } from '../../../shared/http/route.ts';
import { ROLES, type Role, SCOPES } from '../../../shared/identity/principal.ts';
import { apiHarness } from './harness.ts';

const MAX_BODY = 4096;
const OWN = 'XAA';
const OTHER = 'XBB';

let h: Awaited<ReturnType<typeof apiHarness>>;
let signWithIssuerKey: (
  claims: Record<string, unknown>,
  o?: { iss?: string; exp?: number },
) => Promise<string>;
let forgedIssuer: LocalTokenIssuer;
let forgedCleanup: () => Promise<void>;

beforeAll(async () => {
  h = await apiHarness({ maxBodyBytes: MAX_BODY });
  const { privateJwk } = JSON.parse(
    await readFile(join(h.dir, 'secrets', 'local-issuer.jwk.json'), 'utf8'),
  ) as {
    privateJwk: JWK;
  };
  const key = await importJWK(privateJwk, 'RS256');
  signWithIssuerKey = (claims, o = {}) =>
    new SignJWT(claims)
      .setProtectedHeader({ alg: 'RS256', kid: privateJwk.kid })
      .setIssuer(o.iss ?? LOCAL_ISSUER)
      .setSubject('sub-forged')
      .setIssuedAt()
      .setExpirationTime(o.exp ?? Math.floor(Date.now() / 1000) + 600)
      .sign(key);
  // Another issuer: valid-looking tokens signed with a key the API does not trust.
  const other = await apiHarness();
  forgedIssuer = other.issuer;
  forgedCleanup = other.cleanup;
});
afterAll(async () => {
  await h.cleanup();
  await forgedCleanup();
});

const routes = apiRoutes as Route<unknown>[];
const protectedRoutes = routes.filter((r) => r.auth !== 'public');
const label = (r: Route<unknown>) => `${r.method} ${r.path}`;
const auth = (r: Route<unknown>) => (r.auth === 'public' ? { roles: ROLES as Role[], scopes: [] } : r.auth);

/** A concrete path for the route: its example's parameters, or harmless identifiers. */
function pathFor(r: Route<unknown>, override: Record<string, string> = {}): string {
  return r.path.replace(/\{(\w+)\}/g, (_m, name: string) => {
    const v =
      override[name] ??
      r.example?.params?.[name] ??
      (name === 'administration' ? OWN : name === 'series' ? 'fraud' : 'x1');
    return encodeURIComponent(v);
  });
}

/** A token for a caller the route admits by role (with every scope, for member systems). */
async function allowedToken(r: Route<unknown>, administration = OWN, subject?: string): Promise<string> {
  const roles = auth(r).roles;
  const role: Role =
    (['official', 'member-system', 'analyst', 'wco-admin'] as Role[]).find((x) => roles.includes(x)) ??
    'official';
  return h.token(role, role === 'analyst' || role === 'wco-admin' ? null : administration, {
    scopes: [...SCOPES],
    ...(subject ? { subject, username: subject } : {}),
  });
}

function takesAdministration(r: Route<unknown>): boolean {
  if (r.path.includes('{administration}')) return true;
  for (const schema of [r.query, r.body]) {
    const shape = (schema as { shape?: Record<string, unknown> } | undefined)?.shape;
    if (shape && 'administration' in shape) return true;
  }
  return false;
}

/**
 * The route's example request, or one derived for routes whose administration sits in the path or the
 * query; a route with an administration in its JSON body must declare an example.
 */
function exampleFor(r: Route<unknown>): NonNullable<Route<unknown>['example']> {
  if (r.example) return r.example;
  const bodyShape = (r.body as { shape?: Record<string, unknown> } | undefined)?.shape;
  expect(bodyShape && 'administration' in bodyShape, `${label(r)}: give it an example request`).toBeFalsy();
  return queryStringFields(r).includes('administration') ? { query: { administration: OWN } } : {};
}

function queryStringFields(r: Route<unknown>): string[] {
  const shape = (r.query as { shape?: Record<string, unknown> } | undefined)?.shape;
  return shape ? Object.keys(shape) : [];
}

describe.each(protectedRoutes.map((r) => [label(r), r] as const))('%s', (_label, route) => {
  const call = (token: string | undefined) =>
    h.call(route.method, pathFor(route), { token, query: route.example?.query, body: route.example?.body });

  it('refuses a missing, expired or forged token with 401', async () => {
    const payload = {
      token_use: 'access',
      'cognito:groups': auth(route).roles,
      'custom:administration': OWN,
    };
    const expired = await signWithIssuerKey(payload, { exp: Math.floor(Date.now() / 1000) - 3600 });
    const wrongIssuer = await signWithIssuerKey(payload, {
      iss: 'https://cognito-idp.eu-west-1.amazonaws.com/evil',
    });
    const wrongSignature = await forgedIssuer.mint({ role: auth(route).roles[0], administration: OWN });
    const b64 = (o: unknown) => Buffer.from(JSON.stringify(o)).toString('base64url');
    const algNone = `${b64({ alg: 'none', typ: 'JWT' })}.${b64({ ...payload, iss: LOCAL_ISSUER, sub: 'x', exp: 2e9 })}.`;
    const tampered = (await allowedToken(route)).replace(/\.([^.]+)\./, (_m, p: string) => {
      const claims = JSON.parse(Buffer.from(p, 'base64url').toString());
      return `.${b64({ ...claims, 'custom:administration': OTHER })}.`;
    });
    for (const token of [undefined, 'not-a-jwt', expired, wrongIssuer, wrongSignature, algNone, tampered]) {
      const res = await call(token);
      expect(res.status, String(token).slice(0, 40)).toBe(401);
      expect(res.json.error.code).toBe('unauthorized');
    }
  });

  it('refuses roles it does not admit, and member systems without the scope, with 403', async () => {
    const { roles, scopes = [] } = auth(route);
    for (const role of ROLES.filter((r) => !roles.includes(r))) {
      const token = await h.token(role, role === 'official' || role === 'member-system' ? OWN : null);
      expect((await call(token)).status, role).toBe(403);
    }
    if (roles.includes('member-system') && scopes.length > 0) {
      const lacking = SCOPES.filter((s) => !scopes.includes(s));
      const token = await h.token('member-system', OWN, { scopes: lacking });
      const res = await call(token);
      expect(res.status).toBe(403);
      expect(res.json.error.message).toMatch(/scope/);
    }
  });

  it.runIf(takesAdministration(route))("refuses another administration's resources with 403", async () => {
    const own = auth(route).roles.some((r) => r === 'official' || r === 'member-system');
    if (!own) return; // only analysts/admins call it; covered by authorise tests
    const example = exampleFor(route);
    const token = await allowedToken(route, OWN);
    const swap = <T>(v: T): T =>
      v && typeof v === 'object' && 'administration' in v ? { ...v, administration: OTHER } : v;
    const res = await h.call(route.method, pathFor(route, { administration: OTHER }), {
      token,
      query: swap(example.query),
      body: swap(example.body),
    });
    expect(res.status, JSON.stringify(res.json)).toBe(403);
    // Sanity: the example itself is a valid request for the owner (not refused for its shape or rights).
    const ok = await h.call(route.method, pathFor(route), {
      token,
      query: example.query,
      body: example.body,
    });
    expect([400, 401, 403], JSON.stringify(ok.json)).not.toContain(ok.status);
  });

  const payloads = [
    "x' OR '1'='1",
    '../../secrets/local-issuer',
    '..',
    '1;DROP TABLE declarations--',
    'a b',
    '%00',
  ];
  it('refuses SQL or path injection in parameters with 400, before any query or store access', async () => {
    const token = await allowedToken(route);
    const params = [...route.path.matchAll(/\{(\w+)\}/g)].map((m) => m[1]);
    const spies = (
      ['get', 'getText', 'getStream', 'put', 'putStream', 'list', 'exists', 'delete', 'locate'] as const
    ).map((m) => vi.spyOn(h.store, m));
    const query = vi.mocked(h.query.query);
    try {
      for (const payload of payloads) {
        for (const name of params) {
          for (const s of spies) s.mockClear();
          query.mockClear();
          const res = await h.call(route.method, pathFor(route, { [name]: payload }), {
            token,
            query: route.example?.query,
            body: route.example?.body,
          });
          expect(res.status, `${name}=${payload}`).toBe(400);
          for (const s of spies) expect(s).not.toHaveBeenCalled();
          expect(query).not.toHaveBeenCalled();
        }
        for (const name of queryStringFields(route)) {
          for (const s of spies) s.mockClear();
          query.mockClear();
          const res = await h.call(route.method, pathFor(route), {
            token,
            query: { ...route.example?.query, [name]: payload },
            body: route.example?.body,
          });
          expect(res.status, `?${name}=${payload}`).toBe(400);
          for (const s of spies) expect(s).not.toHaveBeenCalled();
          expect(query).not.toHaveBeenCalled();
        }
      }
    } finally {
      for (const s of spies) s.mockRestore();
    }
  });
});

describe.each(routes.map((r) => [label(r), r] as const))('%s limits', (_label, route) => {
  it('refuses oversized bodies with 413', async () => {
    const limit = route.rawBodyLimit ?? MAX_BODY;
    const res = await h.call(route.method, pathFor(route), {
      token: await allowedToken(route),
      raw: Buffer.alloc(limit + 1, 0x20),
      contentType: 'application/json',
    });
    expect(res.status).toBe(413);
    expect(res.json.error.code).toBe('payload_too_large');
  });
});

describe('throttling', () => {
  it.each(routes.map((r) => [label(r), r] as const))(
    '%s answers 429 with Retry-After over budget',
    async (_l, route) => {
      const limiter = new TokenBucketRateLimiter(0.001, 2);
      const t = await apiHarness({ rateLimit: (key) => limiter.take(key) });
      try {
        const subject = `throttle-${label(route).replace(/\W+/g, '-')}`;
        const roles = auth(route).roles;
        const role: Role = (['official', 'member-system', 'analyst', 'wco-admin'] as Role[]).find((x) =>
          roles.includes(x),
        )!;
        const token =
          route.auth === 'public'
            ? undefined
            : await t.token(role, role === 'official' || role === 'member-system' ? OWN : null, {
                subject,
                scopes: [...SCOPES],
              });
        const statuses: number[] = [];
        for (let i = 0; i < 3; i++)
          statuses.push(
            (
              await t.call(route.method, pathFor(route), {
                token,
                ip: '10.9.0.1',
              })
            ).status,
          );
        expect(statuses[2]).toBe(429);
        const last = await t.call(route.method, pathFor(route), { token, ip: '10.9.0.1' });
        expect(last.headers['retry-after']).toMatch(/^\d+$/);
      } finally {
        await t.cleanup();
      }
    },
  );
});
