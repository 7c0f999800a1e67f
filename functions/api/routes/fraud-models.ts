import type { FraudModel } from '../../../shared/fraud/model.ts';
import { currentModelVersion, listModelVersions, loadModel } from '../../../shared/fraud/model-store.ts';
import { FraudScorer } from '../../../shared/fraud/score.ts';
import { ObjectNotFoundError, type ObjectStore } from '../../../shared/ports/object-store.ts';

/**
 * Thin adapter between the API and the fraud model store (shared/fraud/model-store.ts): models/<ADMIN>/<version>/
 * (model.json, profile.json, metrics.json, manifest.json) and the `current` pointer written by promotion — by
 * `bacuda fraud promote`, or by the pipeline's TrainFraudModel for an administration's first model. It adds the
 * caches a Lambda container or the local server keeps.
 */

/** Pointer reads are cached this long per store and administration (one S3 GET saved per request in the cloud). */
const POINTER_TTL_MS = 5_000;
/** Loaded scorers kept per Lambda container / local server: administration+version → scorer. */
const MAX_SCORERS = 8;

interface Cache {
  pointers: Map<string, { version: string | null; at: number }>;
  scorers: Map<string, Promise<FraudScorer>>;
}
const caches = new WeakMap<ObjectStore, Cache>();
function cacheOf(store: ObjectStore): Cache {
  let c = caches.get(store);
  if (!c) {
    c = { pointers: new Map(), scorers: new Map() };
    caches.set(store, c);
  }
  return c;
}

/** Forgets cached pointers (after a promotion in the same process) and, with `models`, loaded scorers. */
export function clearFraudModelCache(store: ObjectStore, options: { models?: boolean } = {}): void {
  const c = cacheOf(store);
  c.pointers.clear();
  if (options.models) c.scorers.clear();
}

/** The administration's current model version, or null when none has been promoted yet. */
export async function currentVersion(
  store: ObjectStore,
  admin: string,
  now = Date.now(),
): Promise<string | null> {
  const c = cacheOf(store);
  const hit = c.pointers.get(admin);
  if (hit && now - hit.at < POINTER_TTL_MS) return hit.version;
  const version = await currentModelVersion(store, admin);
  // A missing model is not cached: the first promotion should be usable at once.
  if (version) c.pointers.set(admin, { version, at: now });
  else c.pointers.delete(admin);
  return version;
}

/** Reads one stored model. */
export function readStoredModel(store: ObjectStore, admin: string, version: string): Promise<FraudModel> {
  return loadModel(store, admin, version);
}

/**
 * A scorer for the version, loaded once per container: versions are immutable, so admin/version identifies the
 * content. A failed load is not kept, so a later request retries.
 */
export function scorerFor(store: ObjectStore, admin: string, version: string): Promise<FraudScorer> {
  const c = cacheOf(store);
  const key = `${admin}/${version}`;
  let scorer = c.scorers.get(key);
  if (scorer) {
    // Refresh its place: the Map's insertion order is the eviction order.
    c.scorers.delete(key);
    c.scorers.set(key, scorer);
    return scorer;
  }
  scorer = readStoredModel(store, admin, version).then((m) => new FraudScorer(m));
  scorer.catch(() => c.scorers.delete(key));
  c.scorers.set(key, scorer);
  while (c.scorers.size > MAX_SCORERS) c.scorers.delete(c.scorers.keys().next().value as string);
  return scorer;
}

/** Stored versions, oldest first. */
export function listVersions(store: ObjectStore, admin: string): Promise<string[]> {
  return listModelVersions(store, admin);
}

/** metrics.json of a version, or null. */
export async function readMetrics(
  store: ObjectStore,
  admin: string,
  version: string,
): Promise<Record<string, unknown> | null> {
  try {
    return JSON.parse(await store.getText(`models/${admin}/${version}/metrics.json`)) as Record<
      string,
      unknown
    >;
  } catch (err) {
    if (err instanceof ObjectNotFoundError || err instanceof SyntaxError) return null;
    throw err;
  }
}

/** manifest.json of a version, or null. */
export async function readManifest(
  store: ObjectStore,
  admin: string,
  version: string,
): Promise<Record<string, unknown> | null> {
  try {
    return JSON.parse(await store.getText(`models/${admin}/${version}/manifest.json`)) as Record<
      string,
      unknown
    >;
  } catch (err) {
    if (err instanceof ObjectNotFoundError || err instanceof SyntaxError) return null;
    throw err;
  }
}
