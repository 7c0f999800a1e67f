import { z } from 'zod';
import { SERIES_IDS } from '../../../shared/access/series.ts';
import type { ApiRequest } from '../../../shared/http/route.ts';

/** Schemas shared by route groups. Strings are constrained so no free text reaches a key or a query. */
export const administrationCode = z
  .string()
  .regex(/^[A-Z]{2,8}$/, 'an administration code of 2-8 capital letters')
  .meta({ example: 'XAA' });

export const seriesId = z.enum(SERIES_IDS);

export const resultId = z.string().regex(/^[A-Za-z0-9_-][A-Za-z0-9_.:-]{0,127}$/);

export const isoDate = z.string().regex(/^\d{4}-\d{2}-\d{2}$/, 'a date YYYY-MM-DD');

/** Free text (comments, reasons): bounded, no control characters except newlines. */
export const text = (max: number) =>
  z
    .string()
    .max(max)
    .refine((s) => !hasControlCharacter(s), 'no control characters');

/** Control characters other than tab and newlines (a plain loop: biome forbids them in regex literals). */
function hasControlCharacter(s: string): boolean {
  for (let i = 0; i < s.length; i++) {
    const c = s.charCodeAt(i);
    if ((c < 32 && c !== 9 && c !== 10 && c !== 13) || c === 127) return true;
  }
  return false;
}

export const errorSchema = z.object({
  error: z.object({ code: z.string(), message: z.string(), details: z.unknown().optional() }),
});

/** The principal of an authenticated route (the router guarantees it is set). */
export function who(req: ApiRequest<unknown, unknown>) {
  if (!req.principal) throw new Error('route called without a principal');
  return req.principal;
}
