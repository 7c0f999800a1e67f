import { ObjectNotFoundError, type ObjectStore } from '../ports/object-store.ts';

/** Reads a JSON document, or undefined when it does not exist. */
export async function readJson<T>(store: ObjectStore, key: string): Promise<T | undefined> {
  try {
    return JSON.parse(await store.getText(key)) as T;
  } catch (err) {
    if (err instanceof ObjectNotFoundError) return undefined;
    throw err;
  }
}

export async function writeJson(store: ObjectStore, key: string, value: unknown): Promise<void> {
  await store.put(key, JSON.stringify(value, null, 1), { contentType: 'application/json' });
}

/** Reads every JSON document under a prefix (small folders: grants, requests, result status docs). */
export async function readAllJson<T>(store: ObjectStore, prefix: string, suffix = '.json'): Promise<T[]> {
  const keys = (await store.list(prefix)).filter((k) => k.endsWith(suffix));
  const docs: (T | undefined)[] = await Promise.all(keys.map((k) => readJson<T>(store, k)));
  return docs.filter((d): d is T => d !== undefined);
}

/**
 * A store-key segment from a free-form identifier (a Cognito `sub`, a username): base64url keeps it
 * reversible and free of '/', '.' and '..' whatever the identifier holds.
 */
export function keySegment(id: string): string {
  return Buffer.from(id, 'utf8').toString('base64url') || '_';
}
