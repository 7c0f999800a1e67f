import type { APIGatewayProxyEvent, APIGatewayProxyResult } from 'aws-lambda';
import type { TokenVerifier } from '../identity/token-verifier.ts';
import { InvalidTokenError } from '../identity/token-verifier.ts';
import { ApiError, badRequest, forbidden, notFound, payloadTooLarge, unauthorized } from './api-error.ts';
import type { ApiRequest, HttpMethod, Route } from './route.ts';

export interface RouterOptions {
  verifyToken: TokenVerifier;
  /** JSON bodies above this are refused with 413 before parsing. */
  maxBodyBytes?: number;
  /** Called for throttling; throws ApiError(429) when the caller is over its budget. */
  rateLimit?: (key: string, route: Route<unknown>) => void;
  /** Origins allowed by CORS for the portal. */
  corsOrigin?: string;
}

interface CompiledRoute<Deps> {
  route: Route<Deps>;
  pattern: RegExp;
  names: string[];
}

const DEFAULT_MAX_BODY = 1024 * 1024;
/** Path parameters are identifiers: anything else (slashes, dots, quotes) is refused before a handler sees it. */
const SAFE_PARAM = /^[A-Za-z0-9_-][A-Za-z0-9_.:-]{0,127}$/;

function compile<Deps>(route: Route<Deps>): CompiledRoute<Deps> {
  const names: string[] = [];
  const source = route.path.replace(/[.*+?^$()|[\]\\]/g, '\\$&').replace(/\{(\w+)\}/g, (_m, name: string) => {
    names.push(name);
    return '([^/]+)';
  });
  return { route, pattern: new RegExp(`^${source}$`), names };
}

/**
 * Turns API Gateway proxy events into route calls: matching, authentication, authorisation by role and
 * scope, validation, size limits and JSON errors with stable codes. Lambda and the local server both
 * call this, so every request is decided by the same code.
 */
export function makeRouter<Deps>(routes: Route<Deps>[], deps: Deps, options: RouterOptions) {
  const compiled = routes.map(compile);
  const maxBody = options.maxBodyBytes ?? DEFAULT_MAX_BODY;

  return async function handle(event: APIGatewayProxyEvent): Promise<APIGatewayProxyResult> {
    const requestId = event.requestContext?.requestId ?? 'local';
    try {
      const method = event.httpMethod.toUpperCase() as HttpMethod;
      const path = event.path;
      if (method === ('OPTIONS' as HttpMethod)) return respond(204, undefined, options);
      const candidates = compiled
        .map((c) => ({ c, m: c.pattern.exec(path) }))
        .filter((x): x is { c: CompiledRoute<Deps>; m: RegExpExecArray } => x.m !== null);
      if (candidates.length === 0) throw notFound(`no route for ${path}`);
      const match = candidates.find((x) => x.c.route.method === method);
      if (!match) throw new ApiError(405, 'method_not_allowed', `${method} is not allowed on ${path}`);
      const { route } = match.c;

      const params: Record<string, string> = {};
      match.c.names.forEach((name, i) => {
        const raw = safeDecode(match.m[i + 1]);
        if (!SAFE_PARAM.test(raw)) throw badRequest(`invalid path parameter ${name}`);
        params[name] = raw;
      });

      const headers = lowerCaseHeaders(event.headers);
      const rawBody =
        event.body == null ? null : Buffer.from(event.body, event.isBase64Encoded ? 'base64' : 'utf8');
      let principal = null;
      if (route.auth !== 'public') {
        const token = /^Bearer\s+(\S+)$/i.exec(headers.authorization ?? '')?.[1];
        if (!token) throw unauthorized();
        try {
          principal = await options.verifyToken(token);
        } catch (err) {
          if (err instanceof InvalidTokenError) throw unauthorized(err.message);
          throw err;
        }
        authorise(principal, route);
      }
      // Size is checked after authentication, so anonymous callers learn nothing about limits.
      const limit = route.rawBodyLimit ?? maxBody;
      if (rawBody && rawBody.length > limit) throw payloadTooLarge(limit);
      const sourceIp = event.requestContext?.identity?.sourceIp ?? 'unknown';
      options.rateLimit?.(principal?.subject ?? sourceIp, route as Route<unknown>);

      const query = parseQuery(route, event.queryStringParameters ?? {});
      let body: unknown = null;
      if (route.body) {
        if (!rawBody || rawBody.length === 0) throw badRequest('a JSON body is required');
        let parsed: unknown;
        try {
          parsed = JSON.parse(rawBody.toString('utf8'));
        } catch {
          throw badRequest('body is not valid JSON');
        }
        const result = route.body.safeParse(parsed);
        if (!result.success) throw badRequest('invalid body', issues(result.error));
        body = result.data;
      }
      const req: ApiRequest = {
        method,
        path,
        params,
        query,
        body,
        rawBody,
        headers,
        principal,
        sourceIp,
        requestId,
      };
      const res = await route.handler(req, deps);
      if (res.text !== undefined) return respond(res.status, res.text, options, res.headers, true);
      return respond(res.status, res.body, options, res.headers);
    } catch (err) {
      if (err instanceof ApiError) {
        const headers: Record<string, string> = {};
        if (err.status === 429) {
          const retry = (err.details as { retryAfterSeconds?: number } | undefined)?.retryAfterSeconds ?? 1;
          headers['retry-after'] = String(retry);
        }
        return respond(
          err.status,
          { error: { code: err.code, message: err.message, details: err.details } },
          options,
          headers,
        );
      }
      // Unexpected failures: log the cause for operators, return nothing internal to the caller.
      console.error(
        JSON.stringify({
          level: 'error',
          requestId,
          message: (err as Error).message,
          stack: (err as Error).stack,
        }),
      );
      return respond(500, { error: { code: 'internal', message: 'internal error', requestId } }, options);
    }
  };
}

function authorise(principal: NonNullable<ApiRequest['principal']>, route: Route<unknown>): void {
  if (route.auth === 'public') return;
  const { roles, scopes } = route.auth;
  if (!principal.roles.some((r) => roles.includes(r)))
    throw forbidden('your role may not call this endpoint');
  if (principal.roles.includes('member-system') && scopes?.length) {
    const missing = scopes.filter((s) => !principal.scopes.includes(s));
    if (missing.length) throw forbidden(`missing scope ${missing.join(', ')}`);
  }
}

function parseQuery(route: Route<unknown>, raw: Record<string, string | undefined>): Record<string, string> {
  const clean: Record<string, string> = {};
  for (const [k, v] of Object.entries(raw)) if (v !== undefined) clean[k] = v;
  if (!route.query) return clean;
  const result = route.query.safeParse(clean);
  if (!result.success) throw badRequest('invalid query parameters', issues(result.error));
  return result.data as Record<string, string>;
}

function issues(error: { issues: { path: PropertyKey[]; message: string }[] }) {
  return error.issues.map((i) => ({ path: i.path.map(String).join('.'), message: i.message }));
}

function safeDecode(s: string): string {
  try {
    return decodeURIComponent(s);
  } catch {
    throw badRequest('malformed URL encoding');
  }
}

function lowerCaseHeaders(h: Record<string, string | undefined> | null): Record<string, string> {
  const out: Record<string, string> = {};
  for (const [k, v] of Object.entries(h ?? {})) if (v !== undefined) out[k.toLowerCase()] = v;
  return out;
}

function respond(
  status: number,
  body: unknown,
  options: RouterOptions,
  extra: Record<string, string> = {},
  raw = false,
): APIGatewayProxyResult {
  const headers: Record<string, string> = {
    'content-type': raw ? 'text/plain; charset=utf-8' : 'application/json',
    'cache-control': 'no-store',
    'x-content-type-options': 'nosniff',
    ...(options.corsOrigin
      ? {
          'access-control-allow-origin': options.corsOrigin,
          'access-control-allow-headers': 'authorization,content-type',
          'access-control-allow-methods': 'GET,POST,PUT,DELETE,OPTIONS',
        }
      : {}),
    ...extra,
  };
  return {
    statusCode: status,
    headers,
    body: body === undefined ? '' : raw ? String(body) : JSON.stringify(body),
  };
}
