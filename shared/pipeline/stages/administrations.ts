import type { ObjectStore } from '../../ports/object-store.ts';

/**
 * An administration is known to the platform when it has uploaded data (manifests/), curated data, or configuration.
 * Checked before a run starts, so a schedule naming an unknown administration fails with a clear message instead of
 * an empty run that "succeeds".
 */
export async function isKnownAdministration(store: ObjectStore, admin: string): Promise<boolean> {
  for (const prefix of [
    `manifests/${admin}/`,
    `config/${admin}/`,
    `curated/declarations/administration=${admin}/`,
  ]) {
    if ((await store.list(prefix)).length > 0) return true;
  }
  return false;
}
