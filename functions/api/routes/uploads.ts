import { z } from 'zod';
import { authoriseAdministration } from '../../../shared/access/authorise.ts';
import { readJson } from '../../../shared/access/json-store.ts';
import { ApiError, badRequest } from '../../../shared/http/api-error.ts';
import { pageOf, paginate, paginationQuery } from '../../../shared/http/pagination.ts';
import { defineRoute } from '../../../shared/http/route.ts';
import type { ApiDeps } from '../deps.ts';
import { administrationCode, who } from './common.ts';

/** The lake datasets an upload can feed (the ingest issue's `uploads/<ADMIN>/<dataset>/<file>` layout). */
export const UPLOAD_DATASETS = ['declarations', 'trade', 'revenue', 'tariffs', 'fx', 'prices'] as const;
const dataset = z.enum(UPLOAD_DATASETS);

/** File names: no folders, no leading dot, no spaces (so the local PUT URL needs no encoding). */
const fileName = z
  .string()
  .regex(/^[A-Za-z0-9][A-Za-z0-9_.-]{0,127}$/, 'letters, digits, "_", "-" and "." only, up to 128 characters')
  .refine((s) => !s.includes('..'), 'no ".."')
  .meta({ example: 'declarations-2026-04.csv' });

/** Largest file a presigned URL is issued for (S3 single PUT allows 5 GB). */
const MAX_UPLOAD_BYTES = 5 * 1024 ** 3;
/** Largest file PUT through the local API (the local server buffers bodies up to 10 MB). */
export const LOCAL_UPLOAD_LIMIT = 10 * 1024 * 1024 - 1024;
const PRESIGN_SECONDS = 900;

const uploadKey = (admin: string, ds: string, file: string) => `uploads/${admin}/${ds}/${file}`;

export const requestUploadRoute = defineRoute({
  method: 'POST',
  path: '/v1/uploads',
  summary:
    'Ask where to PUT a file: a presigned S3 URL in the cloud (valid 15 minutes), the API itself locally',
  tags: ['uploads'],
  auth: { roles: ['official', 'member-system'], scopes: ['data/upload'] },
  body: z.object({
    administration: administrationCode,
    dataset,
    fileName,
    contentType: z
      .string()
      .regex(/^[a-z]+\/[a-z0-9.+-]+$/)
      .default('text/csv'),
    size: z.number().int().min(1).max(MAX_UPLOAD_BYTES),
  }),
  example: {
    body: {
      administration: 'XAA',
      dataset: 'declarations',
      fileName: 'declarations-2026-04.csv',
      contentType: 'text/csv',
      size: 1024,
    },
  },
  response: z.object({
    method: z.literal('PUT'),
    url: z.string(),
    key: z.string(),
    headers: z.record(z.string(), z.string()),
    expiresAt: z.string().nullable(),
  }),
  async handler(req, deps: ApiDeps) {
    const b = req.body;
    await authoriseAdministration(req, b.administration, deps, 'upload', { audit: false });
    const key = uploadKey(b.administration, b.dataset, b.fileName);
    const headers = { 'content-type': b.contentType };
    if (deps.mode === 'cloud') {
      if (!deps.uploadSigner) throw new ApiError(503, 'unavailable', 'uploads are not configured');
      const url = await deps.uploadSigner.presignPut(key, {
        contentType: b.contentType,
        contentLength: b.size,
        expiresInSeconds: PRESIGN_SECONDS,
      });
      const expiresAt = new Date(deps.now().getTime() + PRESIGN_SECONDS * 1000).toISOString();
      return { status: 200, body: { method: 'PUT', url, key, headers, expiresAt } };
    }
    if (b.size > LOCAL_UPLOAD_LIMIT)
      throw new ApiError(
        413,
        'payload_too_large',
        `local uploads are limited to ${LOCAL_UPLOAD_LIMIT} bytes`,
      );
    const url = `/v1/uploads/${b.administration}/${b.dataset}/${b.fileName}`;
    return { status: 200, body: { method: 'PUT', url, key, headers, expiresAt: null } };
  },
});

export const putUploadRoute = defineRoute({
  method: 'PUT',
  path: '/v1/uploads/{administration}/{dataset}/{file}',
  summary:
    'Local mode only: the file itself as the body. It lands in uploads/<ADMIN>/<dataset>/ and is ingested.',
  tags: ['uploads'],
  auth: { roles: ['official', 'member-system'], scopes: ['data/upload'] },
  rawBodyLimit: LOCAL_UPLOAD_LIMIT,
  example: {
    params: { administration: 'XAA', dataset: 'declarations', file: 'declarations-2026-04.csv' },
    body: 'declarationId,date\n',
  },
  response: z.object({ key: z.string(), bytes: z.number() }),
  async handler(req, deps: ApiDeps) {
    const { administration, dataset: ds, file } = req.params;
    if (!dataset.safeParse(ds).success)
      throw badRequest(`dataset must be one of ${UPLOAD_DATASETS.join(', ')}`);
    if (!fileName.safeParse(file).success) throw badRequest('invalid file name');
    await authoriseAdministration(req, administration, deps, 'upload', { resource: req.path });
    if (deps.mode === 'cloud')
      throw new ApiError(
        405,
        'method_not_allowed',
        'in the cloud, PUT to the presigned URL from POST /v1/uploads',
      );
    if (!req.rawBody || req.rawBody.length === 0) throw badRequest('the body is the file; it is empty');
    const key = uploadKey(administration, ds, file);
    await deps.store.put(key, req.rawBody);
    return { status: 201, body: { key, bytes: req.rawBody.length } };
  },
});

/** The parts of an ingest manifest (shared/ingest/manifest.ts) the upload list shows. */
interface ManifestView {
  uploadId: string;
  dataset: string;
  status: string;
  source?: { fileName?: string; key?: string; bytes?: number };
  rowsIn?: number;
  rowsAccepted?: number;
  rowsRejected?: number;
  finishedAt?: string;
  supersededBy?: string;
  error?: string;
}

const uploadSchema = z.object({
  key: z.string(),
  dataset: z.string(),
  fileName: z.string(),
  /** received: waiting for ingestion; ingested / duplicate / unreadable: the ingest manifest's status. */
  status: z.string(),
  manifest: z
    .object({
      uploadId: z.string(),
      rowsIn: z.number().optional(),
      rowsAccepted: z.number().optional(),
      rowsRejected: z.number().optional(),
      finishedAt: z.string().optional(),
      error: z.string().optional(),
    })
    .nullable(),
});

export const listUploadsRoute = defineRoute({
  method: 'GET',
  path: '/v1/uploads',
  summary: "An administration's uploads and what ingestion made of each (rows accepted, rejected)",
  tags: ['uploads'],
  auth: { roles: ['official', 'member-system'], scopes: ['data/upload'] },
  query: z.object({
    ...paginationQuery,
    administration: administrationCode.optional(),
    dataset: dataset.optional(),
  }),
  example: { query: { administration: 'XAA' } },
  response: pageOf(uploadSchema),
  async handler(req, deps: ApiDeps) {
    const admin = req.query.administration ?? who(req).administration;
    if (!admin) throw badRequest('administration is required');
    await authoriseAdministration(req, admin, deps, 'upload', { audit: false });
    const prefix = req.query.dataset ? `${admin}/${req.query.dataset}/` : `${admin}/`;
    const manifests = new Map<string, ManifestView>();
    for (const mkey of (await deps.store.list(`manifests/${prefix}`)).filter((k) => k.endsWith('.json'))) {
      const m = await readJson<ManifestView>(deps.store, mkey);
      const key = m?.source?.key;
      if (!m || !key) continue;
      const seen = manifests.get(key);
      if (!seen || (m.finishedAt ?? '') > (seen.finishedAt ?? '')) manifests.set(key, m);
    }
    const keys = (await deps.store.list(`uploads/${prefix}`)).filter((k) => !k.includes('.tmp-'));
    const items = keys.map((key) => {
      const [, , ds, ...rest] = key.split('/');
      const m = manifests.get(key);
      return {
        key,
        dataset: ds,
        fileName: rest.join('/'),
        status: m?.status ?? 'received',
        manifest: m
          ? {
              uploadId: m.uploadId,
              rowsIn: m.rowsIn,
              rowsAccepted: m.rowsAccepted,
              rowsRejected: m.rowsRejected,
              finishedAt: m.finishedAt,
              error: m.error,
            }
          : null,
      };
    });
    items.sort(
      (a, b) =>
        (b.manifest?.finishedAt ?? '~').localeCompare(a.manifest?.finishedAt ?? '~') ||
        a.key.localeCompare(b.key),
    );
    return { status: 200, body: paginate(items, req.query) };
  },
});

export const uploadRoutes = [requestUploadRoute, putUploadRoute, listUploadsRoute];
