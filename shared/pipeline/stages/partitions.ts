import type { ObjectStore } from '../../ports/object-store.ts';
import type { Partition } from '../contracts.ts';

const PARTITION = /^curated\/([^/]+)\/administration=([^/]+)\/year=(\d{4})\/month=(\d{1,2})\//;

/** Parses the partition of a curated/ key (Hive layout `curated/<dataset>/administration=<A>/year=<Y>/month=<M>/`). */
export function partitionOfKey(key: string): Partition | null {
  const m = PARTITION.exec(key);
  if (!m) return null;
  return {
    dataset: m[1],
    administration: m[2],
    year: Number(m[3]),
    month: Number(m[4]),
    prefix: m[0],
  };
}

/** The partitions of one curated dataset of an administration, in time order. */
export async function listPartitions(
  store: ObjectStore,
  dataset: string,
  admin: string,
): Promise<Partition[]> {
  const keys = await store.list(`curated/${dataset}/administration=${admin}/`);
  const byPrefix = new Map<string, Partition>();
  for (const key of keys) {
    // Like Athena and Hive, skip hidden files ('_' or '.' prefixed), e.g. schema anchors.
    const name = key.slice(key.lastIndexOf('/') + 1);
    if (!key.endsWith('.parquet') || name.startsWith('_') || name.startsWith('.')) continue;
    const p = partitionOfKey(key);
    if (p) byPrefix.set(p.prefix, p);
  }
  return [...byPrefix.values()].sort((a, b) => a.year - b.year || a.month - b.month);
}
