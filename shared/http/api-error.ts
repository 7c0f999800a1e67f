/** An error every API client can act on: a stable machine code, an HTTP status and a human message. */
export class ApiError extends Error {
  readonly status: number;
  readonly code: string;
  readonly details?: unknown;

  constructor(status: number, code: string, message: string, details?: unknown) {
    super(message);
    this.name = 'ApiError';
    this.status = status;
    this.code = code;
    this.details = details;
  }
}

export const badRequest = (message: string, details?: unknown) =>
  new ApiError(400, 'bad_request', message, details);
export const unauthorized = (message = 'missing or invalid bearer token') =>
  new ApiError(401, 'unauthorized', message);
export const forbidden = (message = 'not allowed') => new ApiError(403, 'forbidden', message);
export const notFound = (message = 'not found') => new ApiError(404, 'not_found', message);
export const payloadTooLarge = (limit: number) =>
  new ApiError(413, 'payload_too_large', `request body exceeds ${limit} bytes`);
export const tooManyRequests = (retryAfterSeconds: number) =>
  new ApiError(429, 'too_many_requests', `rate limit exceeded; retry after ${retryAfterSeconds} s`, {
    retryAfterSeconds,
  });
