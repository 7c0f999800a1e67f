import { z } from 'zod';
import type { Route } from './route.ts';

export interface OpenApiInfo {
  title: string;
  version: string;
  description: string;
  /** Server URLs, e.g. the API Gateway stage URL or http://127.0.0.1:3000 */
  servers?: string[];
}

type JsonSchema = Record<string, unknown>;

/** Path parameters are identifiers (the router's allow-list); documented here so clients see the rule. */
const PATH_PARAM_SCHEMA = { type: 'string', pattern: '^[A-Za-z0-9_-][A-Za-z0-9_.:-]{0,127}$' };

const ERROR_RESPONSES: Record<string, string> = {
  '400': 'Invalid parameters or body (stable code `bad_request`)',
  '401': 'Missing, expired or invalid bearer token (`unauthorized`)',
  '403': 'Authenticated but not allowed: role, scope, administration or confidentiality statement',
  '404': 'No such resource (`not_found`)',
  '413': 'Body larger than the limit (`payload_too_large`)',
  '429': 'Rate limit exceeded (`too_many_requests`, with Retry-After)',
};

function toSchema(schema: z.ZodType, io: 'input' | 'output'): JsonSchema {
  const out = z.toJSONSchema(schema, { io, unrepresentable: 'any', target: 'draft-2020-12' }) as JsonSchema;
  delete out.$schema;
  return out;
}

/**
 * The OpenAPI 3.1 document of a route table, generated from the very zod schemas the router validates
 * with, so the documentation cannot drift from what the API accepts. OpenAPI 3.1 schemas are JSON Schema
 * 2020-12, which is what z.toJSONSchema emits.
 */
export function buildOpenApi(routes: Route<unknown>[], info: OpenApiInfo): Record<string, unknown> {
  const paths: Record<string, Record<string, unknown>> = {};
  for (const route of routes) {
    const op: Record<string, unknown> = {
      operationId: operationId(route),
      summary: route.summary,
      tags: route.tags,
    };
    const parameters: Record<string, unknown>[] = [];
    for (const [, name] of route.path.matchAll(/\{(\w+)\}/g))
      parameters.push({
        name,
        in: 'path',
        required: true,
        schema: PATH_PARAM_SCHEMA,
        ...(route.example?.params?.[name] ? { example: route.example.params[name] } : {}),
      });
    if (route.query) {
      const q = toSchema(route.query, 'input');
      const required = new Set((q.required as string[] | undefined) ?? []);
      for (const [name, schema] of Object.entries((q.properties as Record<string, JsonSchema>) ?? {}))
        parameters.push({ name, in: 'query', required: required.has(name), schema });
    }
    if (parameters.length) op.parameters = parameters;
    if (route.body)
      op.requestBody = {
        required: true,
        content: {
          'application/json': {
            schema: toSchema(route.body, 'input'),
            ...(route.example?.body !== undefined ? { example: route.example.body } : {}),
          },
        },
      };
    else if (route.rawBodyLimit)
      op.requestBody = {
        required: true,
        description: `The file itself, up to ${route.rawBodyLimit} bytes`,
        content: {
          'application/octet-stream': {
            schema: { type: 'string', contentMediaType: 'application/octet-stream' },
          },
        },
      };
    const responses: Record<string, unknown> = {
      '200': {
        description: 'Success',
        ...(route.response
          ? { content: { 'application/json': { schema: toSchema(route.response, 'output') } } }
          : {}),
      },
    };
    for (const [code, description] of Object.entries(ERROR_RESPONSES)) {
      if (route.auth === 'public' && (code === '401' || code === '403')) continue;
      responses[code] = {
        description,
        content: { 'application/json': { schema: { $ref: '#/components/schemas/Error' } } },
      };
    }
    op.responses = responses;
    if (route.auth === 'public') op.security = [];
    else {
      op.security = [{ cognito: (route.auth.scopes ?? []).map((s) => `bacuda/${s}`) }];
      op['x-bacuda-roles'] = route.auth.roles;
    }
    paths[route.path] ??= {};
    paths[route.path][route.method.toLowerCase()] = op;
  }
  return {
    openapi: '3.1.0',
    info: { title: info.title, version: info.version, description: info.description },
    ...(info.servers ? { servers: info.servers.map((url) => ({ url })) } : {}),
    jsonSchemaDialect: 'https://json-schema.org/draft/2020-12/schema',
    paths,
    components: {
      schemas: {
        Error: {
          type: 'object',
          required: ['error'],
          properties: {
            error: {
              type: 'object',
              required: ['code', 'message'],
              properties: { code: { type: 'string' }, message: { type: 'string' }, details: {} },
            },
          },
        },
      },
      securitySchemes: {
        cognito: {
          type: 'http',
          scheme: 'bearer',
          bearerFormat: 'JWT',
          description:
            'A Cognito access token (people: hosted UI login; member systems: client-credentials grant with bacuda/* scopes). Locally: POST /local/login or `npx bacuda dev-token`.',
        },
      },
    },
  };
}

function operationId(route: Route<unknown>): string {
  const words = route.path
    .replace(/^\/v1\//, '')
    .split('/')
    .map((w) => (w.startsWith('{') ? `by-${w.slice(1, -1)}` : w));
  return [route.method.toLowerCase(), ...words]
    .join('-')
    .replace(/[^A-Za-z0-9]+(.)/g, (_m, c: string) => c.toUpperCase());
}

const esc = (s: string) =>
  s.replace(
    /[&<>"']/g,
    (c) => ({ '&': '&amp;', '<': '&lt;', '>': '&gt;', '"': '&quot;', "'": '&#39;' })[c] ?? c,
  );

/**
 * A readable, self-contained HTML page of the OpenAPI document (no scripts, so it works under the strictest
 * CSP): endpoints grouped by tag, who may call each, parameters, and the body and response schemas.
 */
export function renderOpenApiHtml(doc: Record<string, unknown>): string {
  const info = doc.info as OpenApiInfo;
  const paths = doc.paths as Record<string, Record<string, Record<string, unknown>>>;
  const byTag = new Map<string, string[]>();
  for (const [path, ops] of Object.entries(paths))
    for (const [method, op] of Object.entries(ops)) {
      const tag = ((op.tags as string[]) ?? ['other'])[0];
      const roles = (op['x-bacuda-roles'] as string[] | undefined) ?? [];
      const scopes = ((op.security as Record<string, string[]>[])[0]?.cognito ?? []).join(', ');
      const who =
        op.security && (op.security as unknown[]).length === 0
          ? 'public'
          : roles.join(', ') + (scopes ? ` (member systems: ${scopes})` : '');
      const params = (
        (op.parameters as { name: string; in: string; required: boolean; schema: JsonSchema }[]) ?? []
      )
        .map(
          (p) =>
            `<li><code>${esc(p.name)}</code> <small>${p.in}${p.required ? ', required' : ''}</small> <code>${esc(schemaHint(p.schema))}</code></li>`,
        )
        .join('');
      const body = (
        op.requestBody as { content: Record<string, { schema: unknown; example?: unknown }> } | undefined
      )?.content;
      const response = (op.responses as Record<string, { content?: Record<string, { schema: unknown }> }>)[
        '200'
      ]?.content?.['application/json']?.schema;
      const section = [
        `<section id="${esc(String(op.operationId))}"><h3><span class="m ${method}">${method.toUpperCase()}</span> <code>${esc(path)}</code></h3>`,
        `<p>${esc(String(op.summary))}</p><p class="who">Who: ${esc(who)}</p>`,
        params ? `<h4>Parameters</h4><ul>${params}</ul>` : '',
        body
          ? Object.entries(body)
              .map(
                ([type, c]) =>
                  `<details><summary>Body (${esc(type)})</summary><pre>${esc(JSON.stringify(c.schema, null, 2))}</pre>${c.example !== undefined ? `<p>Example</p><pre>${esc(JSON.stringify(c.example, null, 2))}</pre>` : ''}</details>`,
              )
              .join('')
          : '',
        response
          ? `<details><summary>Response</summary><pre>${esc(JSON.stringify(response, null, 2))}</pre></details>`
          : '',
        '</section>',
      ].join('');
      byTag.set(tag, [...(byTag.get(tag) ?? []), section]);
    }
  const groups = [...byTag]
    .map(([tag, sections]) => `<h2 id="tag-${esc(tag)}">${esc(tag)}</h2>${sections.join('')}`)
    .join('');
  const toc = [...byTag.keys()].map((t) => `<a href="#tag-${esc(t)}">${esc(t)}</a>`).join(' · ');
  return `<!doctype html><html lang="en"><head><meta charset="utf-8"><meta name="viewport" content="width=device-width, initial-scale=1"><title>${esc(info.title)} — API</title><style>
body{font:15px/1.5 system-ui,sans-serif;max-width:60rem;margin:auto;padding:1rem;color:#1a1a1a}
code,pre{font:13px ui-monospace,monospace}pre{background:#f4f4f4;padding:.5rem;overflow:auto;max-height:24rem}
section{border-top:1px solid #ddd;padding:.25rem 0}h3{font-size:1rem;margin:.5rem 0}.who{color:#555}
.m{display:inline-block;min-width:4rem;text-align:center;border-radius:3px;color:#fff;font-size:.8rem;padding:1px 4px}
.get{background:#2b6cb0}.post{background:#2f855a}.put{background:#b7791f}.delete{background:#c53030}
</style></head><body><h1>${esc(info.title)} <small>${esc(info.version)}</small></h1><p>${esc(info.description)}</p>
<p>Machine-readable: <a href="openapi.json">openapi.json</a> (OpenAPI 3.1). Errors are JSON <code>{"error":{"code","message"}}</code> with stable codes.</p><nav>${toc}</nav>${groups}</body></html>`;
}

function schemaHint(s: JsonSchema): string {
  if (Array.isArray(s.enum)) return (s.enum as unknown[]).join(' | ');
  const parts = [String(s.type ?? 'any')];
  if (s.pattern) parts.push(`/${s.pattern}/`);
  if (s.minimum !== undefined || s.maximum !== undefined)
    parts.push(`${s.minimum ?? ''}..${s.maximum ?? ''}`);
  if (s.default !== undefined) parts.push(`default ${JSON.stringify(s.default)}`);
  return parts.join(' ');
}
