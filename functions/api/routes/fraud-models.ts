import type { FraudModel } from '../../../shared/fraud/model.ts';
import {
  currentModelVersion,
  listModelVersions,
  loadModel,
  ModelNotFoundError,
} from '../../../shared/fraud/model-store.ts';
import { FraudScorer } from '../../../shared/fraud/score.ts';
import { ObjectNotFoundError, type ObjectStore } from '../../../shared/ports/object-store.ts';

/**
 * Thin adapter between the API and the two model layouts found under models/<ADMIN>/ (the fraud domain
 * does not export one reader for both):
 * - the fraud CLI's store (shared/fraud/model-store.ts): <version>/model.json in ml-random-forest format plus
 *   profile.json, metrics.json and manifest.json, and a `current` pointer written by `bacuda fraud promote`;
 * - the pipeline's retrain (shared/pipeline/stages/train-fraud-model.ts): <version>/model.json holding the whole
 *   FraudModel, and a `current.json` pointer it writes only for an administration's first model.
 * `current` wins over `current.json`: the pipeline never writes `current.json` once any pointer exists, so a
 * `current` next to it is the later, explicit promotion.
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

async function readPointer(store: ObjectStore, admin: string): Promise<string | null> {
  const promoted = await currentModelVersion(store, admin);
  if (promoted) return promoted;
  try {
    const text = (await store.getText(`models/${admin}/current.json`)).trim();
    const version = text.startsWith('{') ? (JSON.parse(text) as { version?: string }).version : text;
    return version || null;
  } catch (err) {
    if (err instanceof ObjectNotFoundError || err instanceof SyntaxError) return null;
    throw err;
  }
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
  const version = await readPointer(store, admin);
  // A missing model is not cached: the first promotion should be usable at once.
  if (version) c.pointers.set(admin, { version, at: now });
  else c.pointers.delete(admin);
  return version;
}

/** JSON.stringify turns typed arrays into {"0":…} objects; the pipeline's model.json may hold a compact forest so. */
function revive(model: FraudModel): FraudModel {
  const forest = model.forest as { format?: string; trees?: Record<string, unknown>[] };
  if (forest?.format !== 'compact' || !Array.isArray(forest.trees)) return model;
  const ints = new Set(['feature', 'cutBin', 'left', 'right']);
  const trees = forest.trees.map((t) => {
    const out: Record<string, unknown> = {};
    for (const [k, v] of Object.entries(t)) {
      if (v && typeof v === 'object' && !ArrayBuffer.isView(v)) {
        const values = Array.isArray(v) ? v : Object.values(v as Record<string, number>);
        out[k] = ints.has(k) ? Int32Array.from(values as number[]) : Float64Array.from(values as number[]);
      } else out[k] = v;
    }
    return out;
  });
  return { ...model, forest: { ...(forest as object), trees } as unknown as FraudModel['forest'] };
}

/** Reads one stored model in either layout. */
export async function readStoredModel(
  store: ObjectStore,
  admin: string,
  version: string,
): Promise<FraudModel> {
  if (await store.exists(`models/${admin}/${version}/profile.json`)) return loadModel(store, admin, version);
  let parsed: unknown;
  try {
    parsed = JSON.parse(await store.getText(`models/${admin}/${version}/model.json`));
  } catch (err) {
    if (err instanceof ObjectNotFoundError)
      throw new ModelNotFoundError(`model ${admin}/${version} not found`);
    if (err instanceof SyntaxError) throw new ModelNotFoundError(`model ${admin}/${version} is corrupt`);
    throw err;
  }
  if ((parsed as { kind?: string })?.kind !== 'bacuda-fraud-rf')
    throw new ModelNotFoundError(`model ${admin}/${version} has no feature profile`);
  return revive(parsed as FraudModel);
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

/** Versions in either layout, oldest first. */
export async function listVersions(store: ObjectStore, admin: string): Promise<string[]> {
  const fromStore = await listModelVersions(store, admin);
  return [...new Set(fromStore)].sort();
}

/** metrics.json of a version (fraud CLI layout only), or null. */
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

/** manifest.json of a version (fraud CLI layout only), or null. */
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
