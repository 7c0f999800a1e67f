import type { FraudModel } from '../../fraud/model.ts';
import { ObjectNotFoundError, type ObjectStore } from '../../ports/object-store.ts';
import { ValidationError } from '../errors.ts';

/**
 * Model artefacts as the fraud Series lays them out: models/<ADMIN>/<version>/model.json and a `current` pointer
 * (models/<ADMIN>/current.json: {version}). The pipeline writes a new version each retrain; it makes it current only
 * when there is no current model yet, since promotion is otherwise an explicit act of the administration.
 */
export const modelKey = (admin: string, version: string) => `models/${admin}/${version}/model.json`;
export const currentPointerKey = (admin: string) => `models/${admin}/current.json`;

export async function readModelAt(store: ObjectStore, key: string): Promise<FraudModel> {
  try {
    return JSON.parse(await store.getText(key)) as FraudModel;
  } catch (err) {
    if (err instanceof ObjectNotFoundError) throw new ValidationError(`fraud model ${key} does not exist`);
    throw err;
  }
}

export async function currentModelKey(store: ObjectStore, admin: string): Promise<string | null> {
  for (const key of [currentPointerKey(admin), `models/${admin}/current`]) {
    try {
      const text = (await store.getText(key)).trim();
      const version = text.startsWith('{') ? (JSON.parse(text) as { version?: string }).version : text;
      if (version) return modelKey(admin, version);
    } catch (err) {
      if (!(err instanceof ObjectNotFoundError)) throw err;
    }
  }
  return null;
}
