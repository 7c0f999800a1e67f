import { isAdministrationCode } from '../identity/principal.ts';
import type { ObjectStore } from '../ports/object-store.ts';
import { appendAudit } from './audit-log.ts';
import type { AccessContext, AccessDeps } from './context.ts';
import { readJson, writeJson } from './json-store.ts';
import { isSeriesId, type SeriesId } from './series.ts';

/**
 * Results store layout (the same in S3 and in the local store folder):
 *
 *   results/<ADMIN>/<series>/<id>/status.json   the status document below
 *   results/<ADMIN>/<series>/<id>/<file>        the result's files (JSON, CSV, Parquet), written by the Series
 *
 * <series> is one of mirror | forecast | gap | prices | fraud. Anything else under results/<ADMIN>/
 * (e.g. pipeline run reports in results/<ADMIN>/runs/) is not a publishable result. A result folder without
 * a status document counts as preliminary, so nothing is published by accident.
 */
export type ResultStatus = 'preliminary' | 'approved' | 'rejected';

export interface ResultDecision {
  status: ResultStatus;
  at: string;
  by: { subject: string; name: string } | null;
  comment: string;
}

export interface ResultDoc {
  id: string;
  administration: string;
  series: SeriesId;
  title: string;
  /** Plain-language summary for the catalogue and the approvals inbox. */
  summary: string;
  createdAt: string;
  /** Pipeline run or upload that produced it. */
  source: string | null;
  status: ResultStatus;
  /** The latest decision (approve/reject) with its comment; null while preliminary. */
  decision: ResultDecision | null;
  /** Every status change, oldest first. */
  history: ResultDecision[];
  /** File names inside the result folder (excluding status.json). */
  files: string[];
}

const ID = /^[A-Za-z0-9_-][A-Za-z0-9_.:-]{0,127}$/;

export const resultPrefix = (admin: string, series: string, id: string) =>
  `results/${admin}/${series}/${id}/`;
export const resultStatusKey = (admin: string, series: string, id: string) =>
  `${resultPrefix(admin, series, id)}status.json`;

function check(admin: string, series: string, id: string): void {
  if (!isAdministrationCode(admin)) throw new Error(`invalid administration ${admin}`);
  if (!isSeriesId(series)) throw new Error(`invalid series ${series}`);
  if (!ID.test(id)) throw new Error(`invalid result id ${id}`);
}

export class ResultDecidedError extends Error {}

/**
 * Registers a Series output as a preliminary result, awaiting the data owner's decision. Series code calls
 * this after writing its files into resultPrefix(admin, series, id). A result already decided is never
 * reset: a new analysis gets a new id.
 */
export async function publishPreliminaryResult(
  store: ObjectStore,
  input: {
    administration: string;
    series: SeriesId;
    id: string;
    title: string;
    summary: string;
    source?: string | null;
    now?: Date;
  },
): Promise<ResultDoc> {
  check(input.administration, input.series, input.id);
  const key = resultStatusKey(input.administration, input.series, input.id);
  const existing = await readJson<ResultDoc>(store, key);
  if (existing && existing.status !== 'preliminary')
    throw new ResultDecidedError(`result ${input.series}/${input.id} is already ${existing.status}`);
  const at = (input.now ?? new Date()).toISOString();
  const doc: ResultDoc = {
    id: input.id,
    administration: input.administration,
    series: input.series,
    title: input.title,
    summary: input.summary,
    createdAt: existing?.createdAt ?? at,
    source: input.source ?? null,
    status: 'preliminary',
    decision: null,
    history: existing?.history ?? [{ status: 'preliminary', at, by: null, comment: '' }],
    files: await resultFiles(store, input.administration, input.series, input.id),
  };
  await writeJson(store, key, doc);
  return doc;
}

async function resultFiles(store: ObjectStore, admin: string, series: string, id: string): Promise<string[]> {
  const prefix = resultPrefix(admin, series, id);
  return (await store.list(prefix))
    .map((k) => k.slice(prefix.length))
    .filter((f) => f !== 'status.json' && !f.includes('.tmp-'))
    .sort();
}

/** One result, or undefined. Folders without a status document are reported as preliminary. */
export async function getResult(
  store: ObjectStore,
  admin: string,
  series: string,
  id: string,
): Promise<ResultDoc | undefined> {
  check(admin, series, id);
  const doc = await readJson<ResultDoc>(store, resultStatusKey(admin, series, id));
  const files = await resultFiles(store, admin, series, id);
  if (doc) return { ...doc, files };
  if (files.length === 0) return undefined;
  return implicitPreliminary(admin, series as SeriesId, id, files);
}

function implicitPreliminary(admin: string, series: SeriesId, id: string, files: string[]): ResultDoc {
  return {
    id,
    administration: admin,
    series,
    title: `${series} result ${id}`,
    summary: '',
    createdAt: new Date(0).toISOString(),
    source: null,
    status: 'preliminary',
    decision: null,
    history: [],
    files,
  };
}

/** Every result of one administration (optionally one Series), newest first. */
export async function listResults(
  store: ObjectStore,
  admin: string,
  filter: { series?: SeriesId; status?: ResultStatus } = {},
): Promise<ResultDoc[]> {
  return (await listResultsByAdministration(store, [admin], filter)).get(admin) ?? [];
}

/**
 * Results of several administrations (all that have results when `admins` is undefined), from one store
 * listing: a listing walks folders (or pages through S3), so it is done once per request, not per Series.
 */
export async function listResultsByAdministration(
  store: ObjectStore,
  admins: string[] | undefined,
  filter: { series?: SeriesId; status?: ResultStatus } = {},
): Promise<Map<string, ResultDoc[]>> {
  const prefixes = admins ? admins.map((a) => `results/${a}/`) : ['results/'];
  const wanted = admins ? new Set(admins) : null;
  // admin → series → id → file names
  const tree = new Map<string, Map<SeriesId, Map<string, string[]>>>();
  for (const prefix of prefixes)
    for (const key of await store.list(prefix)) {
      const [, admin, series, id, ...rest] = key.split('/');
      if (!admin || !isAdministrationCode(admin) || (wanted && !wanted.has(admin))) continue;
      if (!series || !isSeriesId(series) || (filter.series && series !== filter.series)) continue;
      if (!id || !ID.test(id) || rest.length === 0 || key.includes('.tmp-')) continue;
      const bySeries = tree.get(admin) ?? new Map<SeriesId, Map<string, string[]>>();
      tree.set(admin, bySeries);
      const byId = bySeries.get(series) ?? new Map<string, string[]>();
      bySeries.set(series, byId);
      const files = byId.get(id) ?? [];
      files.push(rest.join('/'));
      byId.set(id, files);
    }
  const out = new Map<string, ResultDoc[]>();
  for (const [admin, bySeries] of tree) {
    const docs: Promise<ResultDoc>[] = [];
    for (const [series, byId] of bySeries)
      for (const [id, names] of byId) {
        const files = names.filter((n) => n !== 'status.json').sort();
        docs.push(
          (names.includes('status.json')
            ? readJson<ResultDoc>(store, resultStatusKey(admin, series, id))
            : Promise.resolve(undefined)
          ).then((doc) => (doc ? { ...doc, files } : implicitPreliminary(admin, series, id, files))),
        );
      }
    out.set(
      admin,
      (await Promise.all(docs))
        .filter((r) => !filter.status || r.status === filter.status)
        .sort((a, b) => b.createdAt.localeCompare(a.createdAt) || a.id.localeCompare(b.id)),
    );
  }
  return out;
}

/** Administrations that have a results folder. */
export async function administrationsWithResults(store: ObjectStore): Promise<string[]> {
  const admins = new Set<string>();
  for (const key of await store.list('results/')) {
    const admin = key.split('/')[1];
    if (admin && isAdministrationCode(admin)) admins.add(admin);
  }
  return [...admins].sort();
}

export class ResultNotPendingError extends Error {}

/**
 * Approves or rejects a preliminary result, records who, when and why in the status document and the
 * audit log. The caller has already been authorised (official of the data-owning administration).
 */
export async function decideResult(
  deps: AccessDeps,
  ctx: AccessContext,
  target: { administration: string; series: string; id: string },
  decision: 'approved' | 'rejected',
  comment: string,
): Promise<ResultDoc | undefined> {
  const { administration, series, id } = target;
  const current = await getResult(deps.store, administration, series, id);
  if (!current) return undefined;
  if (current.status !== 'preliminary')
    throw new ResultNotPendingError(
      `result is already ${current.status}; only preliminary results can be decided`,
    );
  const p = ctx.principal;
  const entry: ResultDecision = {
    status: decision,
    at: deps.now().toISOString(),
    by: p ? { subject: p.subject, name: p.name } : null,
    comment,
  };
  const doc: ResultDoc = {
    ...current,
    status: decision,
    decision: entry,
    history: [...current.history, entry],
  };
  await writeJson(deps.store, resultStatusKey(administration, series, id), doc);
  await appendAudit(deps, ctx, {
    action: decision === 'approved' ? 'result.approve' : 'result.reject',
    administration,
    resource: `results/${administration}/${series}/${id}`,
    details: { comment },
  });
  return doc;
}
