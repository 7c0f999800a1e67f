import { ObjectNotFoundError, type ObjectStore } from '../ports/object-store.ts';
import type { FeatureProfile } from './features.ts';
import { type MlRandomForestJson, mlForestJsonText } from './forest/ml-format.ts';
import type { FraudModel } from './model.ts';

/**
 * Fraud models as artefacts in the ObjectStore:
 *   models/<ADMIN>/<version>/model.json      the forest, in ml-random-forest's format (RandomForestClassifier.load)
 *   models/<ADMIN>/<version>/profile.json    the feature profile (training-period statistics the features read)
 *   models/<ADMIN>/<version>/metrics.json    time-ordered holdout metrics, importances, rank bands
 *   models/<ADMIN>/<version>/manifest.json   training data (manifest ids), options, feature names
 *   models/<ADMIN>/current                   {"version": ...}: the promoted model; written only by promote
 */
export class ModelNotFoundError extends Error {}

const ADMIN_RE = /^[A-Z0-9][A-Z0-9_-]{0,31}$/;
const VERSION_RE = /^[A-Za-z0-9][A-Za-z0-9._-]{0,63}$/;

export function assertAdminCode(admin: string): void {
  if (!ADMIN_RE.test(admin))
    throw new RangeError(`invalid administration code "${admin}" (upper-case letters, digits, - or _)`);
}

export function assertVersion(version: string): void {
  if (!VERSION_RE.test(version) || version === 'current')
    throw new RangeError(`invalid model version "${version}"`);
}

/** A sortable version id from the training time, e.g. 20260105T101500Z. */
export function newModelVersion(now = new Date()): string {
  return now
    .toISOString()
    .replace(/[-:]/g, '')
    .replace(/\.\d+Z$/, 'Z');
}

export interface TrainingDataRef {
  /** Manifest id of the ingested upload, or sha256 of a file given on the command line. */
  id: string;
  source: string;
  rows: number;
}

export interface ModelManifest {
  admin: string;
  version: string;
  trainedAt: string;
  trainingData: TrainingDataRef[];
  trainRows: number;
  featureNames: string[];
  featureGroups: string[];
  forestOptions: Record<string, unknown>;
}

export interface StoredModelMeta {
  kind: FraudModel['kind'];
  version: FraudModel['version'];
  forestOptions: FraudModel['forestOptions'];
  trainedAt: string;
  bands: FraudModel['bands'];
  importances: FraudModel['importances'];
}

const prefix = (admin: string, version: string) => `models/${admin}/${version}`;

export async function saveModel(
  store: ObjectStore,
  admin: string,
  version: string,
  model: FraudModel,
  extra: {
    metrics: Record<string, unknown>;
    manifest: Omit<ModelManifest, 'admin' | 'version' | 'trainedAt'>;
  },
): Promise<string> {
  assertAdminCode(admin);
  assertVersion(version);
  const p = prefix(admin, version);
  if (await store.exists(`${p}/model.json`)) throw new RangeError(`model ${admin}/${version} already exists`);
  const json = { contentType: 'application/json' };
  const meta: StoredModelMeta = {
    kind: model.kind,
    version: model.version,
    forestOptions: model.forestOptions,
    trainedAt: model.trainedAt,
    bands: model.bands,
    importances: model.importances,
  };
  await store.put(`${p}/profile.json`, JSON.stringify(model.profile), json);
  await store.put(
    `${p}/metrics.json`,
    JSON.stringify({ ...extra.metrics, bands: model.bands, importances: model.importances }, null, 2),
    json,
  );
  await store.put(
    `${p}/manifest.json`,
    JSON.stringify({ admin, version, trainedAt: model.trainedAt, ...extra.manifest, model: meta }, null, 2),
    json,
  );
  // model.json last: its presence marks a complete version.
  await store.put(`${p}/model.json`, mlForestJsonText(model.forest), json);
  return p;
}

async function getJson<T>(store: ObjectStore, key: string, what: string): Promise<T> {
  try {
    return JSON.parse(await store.getText(key)) as T;
  } catch (err) {
    if (err instanceof ObjectNotFoundError) throw new ModelNotFoundError(`${what} not found (${key})`);
    if (err instanceof SyntaxError)
      throw new ModelNotFoundError(`${what} is corrupt (${key}: ${err.message})`);
    throw err;
  }
}

export async function loadModel(store: ObjectStore, admin: string, version: string): Promise<FraudModel> {
  assertAdminCode(admin);
  assertVersion(version);
  const p = prefix(admin, version);
  const forest = await getJson<MlRandomForestJson>(store, `${p}/model.json`, `model ${admin}/${version}`);
  const profile = await getJson<FeatureProfile>(
    store,
    `${p}/profile.json`,
    `feature profile of ${admin}/${version}`,
  );
  const manifest = await getJson<{ model: StoredModelMeta }>(
    store,
    `${p}/manifest.json`,
    `manifest of ${admin}/${version}`,
  );
  return { ...manifest.model, forest, profile };
}

export async function listModelVersions(store: ObjectStore, admin: string): Promise<string[]> {
  assertAdminCode(admin);
  const keys = await store.list(`models/${admin}/`);
  return keys
    .map((k) => k.slice(`models/${admin}/`.length).split('/'))
    .filter((parts) => parts.length === 2 && parts[1] === 'model.json')
    .map((parts) => parts[0])
    .sort();
}

export async function currentModelVersion(store: ObjectStore, admin: string): Promise<string | null> {
  assertAdminCode(admin);
  try {
    const pointer = JSON.parse(await store.getText(`models/${admin}/current`)) as { version?: string };
    return pointer.version ?? null;
  } catch (err) {
    if (err instanceof ObjectNotFoundError) return null;
    throw err;
  }
}

/** Promotion is the only way `current` changes: an explicit act naming an existing version. */
export async function promoteModel(
  store: ObjectStore,
  admin: string,
  version: string,
  by?: string,
): Promise<{ previous: string | null }> {
  assertAdminCode(admin);
  assertVersion(version);
  if (!(await store.exists(`${prefix(admin, version)}/model.json`)))
    throw new ModelNotFoundError(
      `no model ${admin}/${version}; versions: ${(await listModelVersions(store, admin)).join(', ') || 'none'}`,
    );
  const previous = await currentModelVersion(store, admin);
  await store.put(
    `models/${admin}/current`,
    JSON.stringify({ version, previous, promotedAt: new Date().toISOString(), ...(by ? { by } : {}) }),
    { contentType: 'application/json' },
  );
  return { previous };
}

/** The promoted model of an administration. */
export async function loadCurrentModel(
  store: ObjectStore,
  admin: string,
): Promise<{ version: string; model: FraudModel }> {
  const version = await currentModelVersion(store, admin);
  if (!version)
    throw new ModelNotFoundError(
      `administration ${admin} has no promoted fraud model (train one, then promote it)`,
    );
  return { version, model: await loadModel(store, admin, version) };
}
