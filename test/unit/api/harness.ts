import { mkdtemp, rm } from 'node:fs/promises';
import { tmpdir } from 'node:os';
import { join } from 'node:path';
import type { APIGatewayProxyEvent } from 'aws-lambda';
import { vi } from 'vitest';
import type { ApiDeps } from '../../../functions/api/deps.ts';
import { makeApiHandler } from '../../../functions/api/handler.ts';
import { LocalTokenIssuer, type MintOptions } from '../../../local/token-issuer.ts';
import { LocalUserStore } from '../../../shared/access/local-user-store.ts';
import { FsObjectStore } from '../../../shared/adapters/fs-object-store.ts';
import type { RouterOptions } from '../../../shared/http/router.ts';
import type { QueryEngine } from '../../../shared/ports/query-engine.ts';

export interface CallOptions {
  token?: string;
  query?: Record<string, string>;
  body?: unknown;
  raw?: Buffer | string;
  ip?: string;
  contentType?: string;
}

export interface CallResult {
  status: number;
  headers: Record<string, string>;
  // biome-ignore lint/suspicious/noExplicitAny: tests read arbitrary response JSON
  json: any;
  text: string;
}

export function apiEvent(method: string, path: string, o: CallOptions = {}): APIGatewayProxyEvent {
  const headers: Record<string, string> = {};
  if (o.token) headers.Authorization = `Bearer ${o.token}`;
  let body: string | null = null;
  let isBase64Encoded = false;
  if (o.raw !== undefined) {
    const buf = Buffer.isBuffer(o.raw) ? o.raw : Buffer.from(o.raw);
    body = buf.toString('base64');
    isBase64Encoded = true;
    headers['content-type'] = o.contentType ?? 'application/octet-stream';
  } else if (o.body !== undefined) {
    body = typeof o.body === 'string' ? o.body : JSON.stringify(o.body);
    headers['content-type'] = 'application/json';
  }
  return {
    resource: '/{proxy+}',
    path,
    httpMethod: method,
    headers,
    multiValueHeaders: {},
    queryStringParameters: o.query ?? null,
    multiValueQueryStringParameters: null,
    pathParameters: null,
    stageVariables: null,
    body,
    isBase64Encoded,
    requestContext: {
      requestId: `req-${Math.random().toString(36).slice(2)}`,
      identity: { sourceIp: o.ip ?? '198.51.100.7' },
    } as APIGatewayProxyEvent['requestContext'],
  };
}

/** The real API handler over a temporary store folder, a real local issuer and a spied query engine. */
export async function apiHarness(options: Partial<RouterOptions> = {}, overrides: Partial<ApiDeps> = {}) {
  const dir = await mkdtemp(join(tmpdir(), 'bacuda-api-'));
  const store = new FsObjectStore(dir);
  const issuer = await LocalTokenIssuer.open(dir);
  const query: QueryEngine = { query: vi.fn(async () => []), close: vi.fn(async () => {}) };
  const users = new LocalUserStore(store);
  const deps: ApiDeps = { store, query, now: () => new Date(), mode: 'local', users, ...overrides };
  const handler = makeApiHandler(deps, { verifyToken: issuer.verifier(), ...options });
  const call = async (method: string, path: string, o: CallOptions = {}): Promise<CallResult> => {
    const res = await handler(apiEvent(method, path, o), {} as never);
    let json: unknown;
    try {
      json = JSON.parse(res.body);
    } catch {
      json = undefined;
    }
    return {
      status: res.statusCode,
      headers: (res.headers ?? {}) as Record<string, string>,
      json,
      text: res.body,
    };
  };
  const token = (
    role: MintOptions['role'],
    administration: string | null = null,
    extra: Partial<MintOptions> = {},
  ) => issuer.mint({ role, administration, ...extra });
  return {
    dir,
    store,
    issuer,
    query,
    users,
    deps,
    handler,
    call,
    token,
    cleanup: () => rm(dir, { recursive: true, force: true }),
  };
}
