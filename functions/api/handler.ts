import middy from '@middy/core';
import type { APIGatewayProxyEvent, APIGatewayProxyResult } from 'aws-lambda';
import { makeRouter, type RouterOptions } from '../../shared/http/router.ts';
import type { ApiDeps } from './deps.ts';
import { apiRoutes } from './routes/index.ts';

/**
 * The API Gateway proxy handler. A factory, so Lambda (index.ts), the local server and the tests each pass
 * their own adapters and token verifier and exercise the very same routing and authorisation.
 */
export function makeApiHandler(deps: ApiDeps, options: RouterOptions) {
  const route = makeRouter(apiRoutes, deps, options);
  return middy<APIGatewayProxyEvent, APIGatewayProxyResult>().handler(route);
}
