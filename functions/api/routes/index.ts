import type { Route } from '../../../shared/http/route.ts';
import type { ApiDeps } from '../deps.ts';
import { accessRoutes } from './access.ts';
import { datasetRoutes } from './datasets.ts';
import { forecastsRoute } from './forecasts.ts';
import { fraudRoutes } from './fraud.ts';
import { healthRoute } from './health.ts';
import { mirrorGapRoutes } from './mirror-gap.ts';
import { openApiRoutes } from './openapi.ts';
import { pipelineRunsRoute } from './pipeline-runs.ts';
import { pricesRoutes } from './prices.ts';
import { resultRoutes } from './results.ts';
import { seriesRoutes } from './series.ts';
import { uploadRoutes } from './uploads.ts';

/** Every HTTP route of the platform. One file per route group; register it here. */
export const apiRoutes: Route<ApiDeps>[] = [
  healthRoute,
  ...seriesRoutes,
  ...resultRoutes,
  ...uploadRoutes,
  ...datasetRoutes,
  ...accessRoutes,
  pipelineRunsRoute,
  ...pricesRoutes,
  forecastsRoute,
  ...mirrorGapRoutes,
  ...fraudRoutes,
];

// Last, so the document covers every route registered above (it is built on first request).
apiRoutes.push(...(openApiRoutes(() => apiRoutes as Route<unknown>[]) as Route<ApiDeps>[]));
