import type { Route } from '../../../shared/http/route.ts';
import type { ApiDeps } from '../deps.ts';
import { healthRoute } from './health.ts';

/** Every HTTP route of the platform. One file per route group; register it here. */
export const apiRoutes: Route<ApiDeps>[] = [healthRoute];
