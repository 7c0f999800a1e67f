import { z } from 'zod';
import { badRequest } from './api-error.ts';

/** Page size limits every list endpoint shares. */
export const MAX_PAGE_SIZE = 200;
export const DEFAULT_PAGE_SIZE = 50;

/**
 * Query fields for paged list endpoints: `limit` (1..200, default 50) and an opaque `cursor` from the
 * previous page's `nextCursor`. Spread into a route's query schema: z.object({ ...paginationQuery, ... }).
 */
export const paginationQuery = {
  limit: z.coerce.number().int().min(1).max(MAX_PAGE_SIZE).default(DEFAULT_PAGE_SIZE),
  cursor: z
    .string()
    .max(512)
    .regex(/^[A-Za-z0-9_-]+$/)
    .optional(),
};

export interface Page<T> {
  items: T[];
  nextCursor: string | null;
}

/** Response schema of a page of `item`. */
export const pageOf = <T extends z.ZodType>(item: T) =>
  z.object({ items: z.array(item), nextCursor: z.string().nullable() });

/** Pages an in-memory list (already sorted) by offset; the cursor is an encoded offset. */
export function paginate<T>(all: T[], q: { limit: number; cursor?: string }): Page<T> {
  const offset = q.cursor ? decodeOffset(q.cursor) : 0;
  const items = all.slice(offset, offset + q.limit);
  const next = offset + items.length;
  return { items, nextCursor: next < all.length ? encodeOffset(next) : null };
}

export const encodeCursor = (value: string) => Buffer.from(value, 'utf8').toString('base64url');

export function decodeCursor(cursor: string): string {
  return Buffer.from(cursor, 'base64url').toString('utf8');
}

const encodeOffset = (n: number) => encodeCursor(`o:${n}`);

function decodeOffset(cursor: string): number {
  const m = /^o:(\d{1,9})$/.exec(decodeCursor(cursor));
  if (!m) throw badRequest('invalid cursor');
  return Number(m[1]);
}
