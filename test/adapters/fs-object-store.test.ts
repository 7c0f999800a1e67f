import { mkdtemp, readdir, readFile, rm, writeFile } from 'node:fs/promises';
import { tmpdir } from 'node:os';
import { join } from 'node:path';
import { Readable } from 'node:stream';
import { afterEach, beforeEach, describe, expect, it } from 'vitest';
import { FsObjectStore } from '../../shared/adapters/fs-object-store.ts';
import { InvalidKeyError, ObjectNotFoundError } from '../../shared/ports/object-store.ts';

describe('FsObjectStore', () => {
  let root: string;
  let store: FsObjectStore;
  beforeEach(async () => {
    root = await mkdtemp(join(tmpdir(), 'bacuda-fs-'));
    store = new FsObjectStore(root);
  });
  afterEach(() => rm(root, { recursive: true, force: true }));

  it('round-trips bytes, text and streams under nested keys', async () => {
    await store.put('a/b/c.txt', 'hello');
    await store.putStream('a/s.txt', Readable.from(['str', 'eam']));
    expect(await store.getText('a/b/c.txt')).toBe('hello');
    expect(await store.getText('a/s.txt')).toBe('stream');
    const chunks: Buffer[] = [];
    for await (const c of await store.getStream('a/s.txt')) chunks.push(c as Buffer);
    expect(Buffer.concat(chunks).toString()).toBe('stream');
  });

  it('moves a local file into place with putFile', async () => {
    const local = join(root, 'outside.parquet');
    await writeFile(local, 'PAR1');
    await store.putFile('curated/x/y/f.parquet', local);
    expect(await store.getText('curated/x/y/f.parquet')).toBe('PAR1');
    await expect(readFile(local)).rejects.toThrow();
  });

  it('lists keys under a prefix, sorted, and nothing for an absent prefix', async () => {
    await store.put('results/XAA/2.json', '{}');
    await store.put('results/XAA/1.json', '{}');
    await store.put('results/XBB/1.json', '{}');
    expect(await store.list('results/XAA/')).toEqual(['results/XAA/1.json', 'results/XAA/2.json']);
    expect(await store.list('results/X')).toHaveLength(3);
    expect(await store.list('nothing/here/')).toEqual([]);
  });

  it('raises ObjectNotFoundError for missing keys and folders', async () => {
    await store.put('dir/file', 'x');
    await expect(store.get('missing')).rejects.toBeInstanceOf(ObjectNotFoundError);
    await expect(store.get('dir')).rejects.toBeInstanceOf(ObjectNotFoundError);
    await expect(store.getStream('missing')).rejects.toBeInstanceOf(ObjectNotFoundError);
    expect(await store.exists('dir')).toBe(false);
    expect(await store.exists('dir/file')).toBe(true);
  });

  it('refuses keys that would escape the store folder', async () => {
    for (const key of ['../x', 'a/../../x', '/etc/passwd', 'a\\b', 'a/./b', '']) {
      await expect(store.put(key, 'x')).rejects.toBeInstanceOf(InvalidKeyError);
    }
  });

  it('leaves no temporary file behind after a failed stream', async () => {
    const failing = new Readable({
      read() {
        this.destroy(new Error('disk on fire'));
      },
    });
    await expect(store.putStream('x/y.bin', failing)).rejects.toThrow('disk on fire');
    expect(await readdir(join(root, 'x'))).toEqual([]);
  });

  it('deletes idempotently', async () => {
    await store.put('k', 'v');
    await store.delete('k');
    await store.delete('k');
    expect(await store.exists('k')).toBe(false);
  });
});
