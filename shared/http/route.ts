import type { z } from 'zod';
import type { Principal, Role, Scope } from '../identity/principal.ts';

export type HttpMethod = 'GET' | 'POST' | 'PUT' | 'DELETE' | 'PATCH';

export interface ApiRequest<Q = Record<string, string>, B = unknown> {
  method: HttpMethod;
  /** The matched path, e.g. /v1/results/abc */
  path: string;
  /** Values of {placeholders} in the route path. */
  params: Record<string, string>;
  query: Q;
  body: B;
  /** Raw body for non-JSON routes (CSV uploads). */
  rawBody: Buffer | null;
  headers: Record<string, string>;
  /** Set for every route that is not public. */
  principal: Principal | null;
  sourceIp: string;
  requestId: string;
}

export interface ApiResponse {
  status: number;
  body?: unknown;
  headers?: Record<string, string>;
  /** Sent as-is (CSV, HTML) instead of JSON. */
  text?: string;
}

/**
 * Who may call a route. People need one of `roles`; member systems need every one of `scopes`.
 * A route open to member systems lists 'member-system' in roles and the scopes it requires.
 */
export type RouteAuth = 'public' | { roles: Role[]; scopes?: Scope[] };

export interface Route<Deps = unknown> {
  method: HttpMethod;
  /** API Gateway style template: /v1/results/{id} */
  path: string;
  summary: string;
  tags: string[];
  auth: RouteAuth;
  /** Validates the query string; also documents it in the OpenAPI document. */
  query?: z.ZodType;
  /** Validates the JSON body. */
  body?: z.ZodType;
  /** Documents the success response. */
  response?: z.ZodType;
  /** Accept a raw (non-JSON) body up to this size. */
  rawBodyLimit?: number;
  /**
   * A valid request (path parameters, query, body) as an official of XAA would send it: shown in the OpenAPI
   * document, and used by the table-driven security tests to reach the route's own authorisation.
   */
  example?: { params?: Record<string, string>; query?: Record<string, string>; body?: unknown };
  handler(req: ApiRequest, deps: Deps): Promise<ApiResponse>;
}

/** Declares a route with typed query and body, checked by the router before the handler runs. */
export function defineRoute<
  Deps,
  Q extends z.ZodType | undefined = undefined,
  B extends z.ZodType | undefined = undefined,
>(
  route: Omit<Route<Deps>, 'handler' | 'query' | 'body'> & {
    query?: Q;
    body?: B;
    handler(
      req: ApiRequest<
        Q extends z.ZodType ? z.infer<Q> : Record<string, string>,
        B extends z.ZodType ? z.infer<B> : unknown
      >,
      deps: Deps,
    ): Promise<ApiResponse>;
  },
): Route<Deps> {
  return route as unknown as Route<Deps>;
}
