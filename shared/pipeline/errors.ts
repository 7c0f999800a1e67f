/**
 * The two error names the pipeline definition's Retry fields tell apart. Step Functions matches on the error name
 * (the Lambda runtime's errorType, aws-local-stepfunctions' error.name), so each class sets `name` to its own name.
 */

/** Worth retrying with backoff: throttling, timeouts, a dependency briefly unavailable. */
export class TransientError extends Error {
  constructor(message: string, options?: { cause?: unknown }) {
    super(message, options);
    this.name = 'TransientError';
  }
}

/** Bad input or data: retrying cannot help, so the definition never retries it and the run fails fast. */
export class ValidationError extends Error {
  constructor(message: string, options?: { cause?: unknown }) {
    super(message, options);
    this.name = 'ValidationError';
  }
}

const TRANSIENT_NAMES = new Set([
  'ThrottlingException',
  'TooManyRequestsException',
  'SlowDown',
  'ServiceUnavailable',
  'InternalError',
  'RequestTimeout',
  'RequestTimeoutException',
  'TimeoutError',
  'ProvisionedThroughputExceededException',
]);
const TRANSIENT_CODES = new Set(['ECONNRESET', 'ETIMEDOUT', 'EAI_AGAIN', 'ECONNREFUSED', 'EPIPE']);

/** Errors the domains raise for bad input: the run fails without retry. */
const VALIDATION_NAMES = new Set(['ZodError', 'InvalidKeyError', 'ObjectNotFoundError']);

/**
 * Gives an error from a domain or an adapter the name the Retry fields understand. Errors already named
 * TransientError/ValidationError pass through; AWS SDK throttling and network errors become TransientError; known
 * bad-input errors (any class whose name ends in "FileError", "LayoutError" and the like) become ValidationError;
 * anything else keeps its name (caught by the stage's Catch, not retried).
 */
export function classifyError(err: unknown): Error {
  if (!(err instanceof Error)) return new Error(String(err));
  if (err instanceof TransientError || err instanceof ValidationError) return err;
  if (err.name === 'TransientError' || err.name === 'ValidationError') return err;
  const e = err as Error & { code?: string; $retryable?: unknown; state?: string };
  if (e.$retryable || TRANSIENT_NAMES.has(err.name) || (e.code && TRANSIENT_CODES.has(e.code)))
    return new TransientError(err.message, { cause: err });
  if (VALIDATION_NAMES.has(err.name) || /(FileError|LayoutError|InputError|SchemaError)$/.test(err.name))
    return new ValidationError(err.message, { cause: err });
  return err;
}
