import { buildOpenApi, renderOpenApiHtml } from '../../../shared/http/openapi.ts';
import { defineRoute, type Route } from '../../../shared/http/route.ts';

const INFO = {
  title: 'BACUDA platform API',
  version: '1',
  description:
    'Access-controlled API of the WCO BACUDA platform: uploads, datasets and queries, the five Series, results and their approval, access requests and grants.',
};

/** /v1/openapi.json and /v1/docs, generated from the route table they are registered in. */
export function openApiRoutes(all: () => Route<unknown>[]) {
  let cached: Record<string, unknown> | undefined;
  const doc = () => {
    cached ??= buildOpenApi(all(), INFO);
    return cached;
  };
  return [
    defineRoute({
      method: 'GET',
      path: '/v1/openapi.json',
      summary: 'This API as an OpenAPI 3.1 document',
      tags: ['platform'],
      auth: 'public',
      async handler() {
        return { status: 200, body: doc(), headers: { 'cache-control': 'public, max-age=300' } };
      },
    }),
    defineRoute({
      method: 'GET',
      path: '/v1/docs',
      summary: 'This API as a readable page',
      tags: ['platform'],
      auth: 'public',
      async handler() {
        return {
          status: 200,
          text: renderOpenApiHtml(doc()),
          headers: {
            'content-type': 'text/html; charset=utf-8',
            'content-security-policy': "default-src 'none'; style-src 'unsafe-inline'",
            'cache-control': 'public, max-age=300',
          },
        };
      },
    }),
  ];
}
