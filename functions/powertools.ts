import { Logger } from '@aws-lambda-powertools/logger';
import { injectLambdaContext } from '@aws-lambda-powertools/logger/middleware';
import { Metrics } from '@aws-lambda-powertools/metrics';
import { logMetrics } from '@aws-lambda-powertools/metrics/middleware';
import { Tracer } from '@aws-lambda-powertools/tracer';
import { captureLambdaHandler } from '@aws-lambda-powertools/tracer/middleware';

/**
 * Lambda-only observability: structured logs with the request context, EMF metrics (cold starts) and X-Ray
 * traces, configured by the POWERTOOLS_* variables CDK sets. Only Lambda entry points (index.ts) add it, so
 * the handler factories stay the same code that `npm start` and the tests run.
 */
export const logger = new Logger();
export const metrics = new Metrics();
export const tracer = new Tracer();

interface MiddyLike<T> {
  // biome-ignore lint/suspicious/noExplicitAny: middy's middleware types differ between Powertools and middy 7
  use(middleware: any): T;
}

export function withPowertools<T extends MiddyLike<T>>(handler: T): T {
  return handler
    .use(captureLambdaHandler(tracer))
    .use(logMetrics(metrics, { captureColdStartMetric: true }))
    .use(injectLambdaContext(logger, { clearState: true }));
}
