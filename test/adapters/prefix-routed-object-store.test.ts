import { mkdtemp, readdir, rm } from 'node:fs/promises';
import { tmpdir } from 'node:os';
import { join } from 'node:path';
import { Readable } from 'node:stream';
import {
  DeleteObjectCommand,
  GetObjectCommand,
  HeadObjectCommand,
  ListObjectsV2Command,
  PutObjectCommand,
  S3Client,
} from '@aws-sdk/client-s3';
import { sdkStreamMixin } from '@smithy/util-stream';
import { mockClient } from 'aws-sdk-client-mock';
import { afterEach, beforeEach, describe, expect, it } from 'vitest';
import { cloudObjectStore } from '../../functions/cloud-store.ts';
import { FsObjectStore } from '../../shared/adapters/fs-object-store.ts';
import { PrefixRoutedObjectStore } from '../../shared/adapters/prefix-routed-object-store.ts';
import { InvalidKeyError, ObjectNotFoundError } from '../../shared/ports/object-store.ts';

describe('PrefixRoutedObjectStore over folders', () => {
  let root: string;
  let store: PrefixRoutedObjectStore;
  const dir = (name: string) => join(root, name);
  beforeEach(async () => {
    root = await mkdtemp(join(tmpdir(), 'bacuda-routed-'));
    store = new PrefixRoutedObjectStore(
      [
        { segments: ['uploads', 'quarantine'], store: new FsObjectStore(dir('up')) },
        { segments: ['curated'], store: new FsObjectStore(dir('cur')) },
      ],
      new FsObjectStore(dir('res')),
    );
  });
  afterEach(() => rm(root, { recursive: true, force: true }));

  const filesUnder = async (name: string) =>
    (await readdir(dir(name), { recursive: true, withFileTypes: true }))
      .filter((e) => e.isFile())
      .map((e) => join(e.parentPath, e.name).slice(dir(name).length + 1))
      .sort();

  it('writes each key into the store of its first segment, keeping the full key', async () => {
    // Act
    await store.put('uploads/XAA/declarations/a b+c.csv', 'x');
    await store.putStream('quarantine/XAA/declarations/u1/report.json', Readable.from(['{}']));
    await store.put('curated/trade/administration=XAA/year=2024/month=01/part-0.parquet', 'p');
    await store.put('models/XAA/current.json', '{}');
    // Assess
    expect(await filesUnder('up')).toEqual([
      'quarantine/XAA/declarations/u1/report.json',
      'uploads/XAA/declarations/a b+c.csv',
    ]);
    expect(await filesUnder('cur')).toEqual([
      'curated/trade/administration=XAA/year=2024/month=01/part-0.parquet',
    ]);
    expect(await filesUnder('res')).toEqual(['models/XAA/current.json']);
  });

  it('reads, checks and deletes through the owning store', async () => {
    // Prepare
    await store.put('curated/x/1.parquet', 'one');
    // Act + Assess
    expect(await store.getText('curated/x/1.parquet')).toBe('one');
    expect(new TextDecoder().decode(await store.get('curated/x/1.parquet'))).toBe('one');
    expect(await store.exists('curated/x/1.parquet')).toBe(true);
    await store.delete('curated/x/1.parquet');
    expect(await store.exists('curated/x/1.parquet')).toBe(false);
    await expect(store.get('results/none.json')).rejects.toBeInstanceOf(ObjectNotFoundError);
  });

  it('lists a prefix with a complete first segment from its store only', async () => {
    // Prepare
    await store.put('results/XAA/b.json', '{}');
    await store.put('results/XAA/a.json', '{}');
    await store.put('uploads/XAA/f.csv', 'x');
    // Act + Assess
    expect(await store.list('results/XAA/')).toEqual(['results/XAA/a.json', 'results/XAA/b.json']);
    expect(await store.list('uploads/')).toEqual(['uploads/XAA/f.csv']);
    expect(await store.list('curated/')).toEqual([]);
  });

  it('merges and sorts the listings of every store a partial first segment could match', async () => {
    // Prepare
    await store.put('uploads/XAA/f.csv', 'x');
    await store.put('curated/t/1.parquet', 'p');
    await store.put('results/XAA/r.json', '{}');
    await store.put('access/grants/XAA/g.json', '{}');
    await store.put('quarantine/XAA/q.json', '{}');
    // Act + Assess
    expect(await store.list('')).toEqual([
      'access/grants/XAA/g.json',
      'curated/t/1.parquet',
      'quarantine/XAA/q.json',
      'results/XAA/r.json',
      'uploads/XAA/f.csv',
    ]);
    expect(await store.list('res')).toEqual(['results/XAA/r.json']);
    expect(await store.list('u')).toEqual(['uploads/XAA/f.csv']);
    expect(await store.list('cu')).toEqual(['curated/t/1.parquet']);
  });

  it('locates a key in the folder of its store', () => {
    expect(store.locate('curated/t/1.parquet')).toBe(join(dir('cur'), 'curated', 't', '1.parquet'));
    expect(store.locate('state/ingest/x.json')).toBe(join(dir('res'), 'state', 'ingest', 'x.json'));
  });

  it('rejects invalid keys before routing', async () => {
    await expect(store.put('../escape', 'x')).rejects.toBeInstanceOf(InvalidKeyError);
    expect(() => store.locate('/abs')).toThrow(InvalidKeyError);
  });

  it('refuses a segment routed to two stores', () => {
    const s = new FsObjectStore(dir('x'));
    expect(
      () =>
        new PrefixRoutedObjectStore(
          [
            { segments: ['uploads'], store: s },
            { segments: ['uploads'], store: s },
          ],
          s,
        ),
    ).toThrow(/routed twice/);
  });
});

describe('cloudObjectStore over S3', () => {
  const s3 = mockClient(S3Client);
  const env = { UPLOADS_BUCKET: 'up-bkt', CURATED_BUCKET: 'cur-bkt', RESULTS_BUCKET: 'res-bkt' };
  beforeEach(() => s3.reset());

  it('fails at construction when a bucket variable is missing', () => {
    expect(() => cloudObjectStore({ UPLOADS_BUCKET: 'u' }, new S3Client({}))).toThrow(
      /CURATED_BUCKET, RESULTS_BUCKET/,
    );
  });

  it('puts each key into the bucket its first segment maps to, with the key unchanged', async () => {
    // Prepare
    s3.on(PutObjectCommand).resolves({});
    const store = cloudObjectStore(env, new S3Client({}));
    // Act
    await store.put('uploads/XAA/declarations/f.csv', 'x');
    await store.put('quarantine/XAA/declarations/u1/r.json', '{}');
    await store.put('curated/declarations/administration=XAA/year=2024/month=01/p.parquet', 'p');
    await store.put('results/XAA/runs/r1.json', '{}');
    await store.put('audit/2024/01/01/x.json', '{}');
    // Assess
    const puts = s3.commandCalls(PutObjectCommand).map((c) => [c.args[0].input.Bucket, c.args[0].input.Key]);
    expect(puts).toEqual([
      ['up-bkt', 'uploads/XAA/declarations/f.csv'],
      ['up-bkt', 'quarantine/XAA/declarations/u1/r.json'],
      ['cur-bkt', 'curated/declarations/administration=XAA/year=2024/month=01/p.parquet'],
      ['res-bkt', 'results/XAA/runs/r1.json'],
      ['res-bkt', 'audit/2024/01/01/x.json'],
    ]);
  });

  it('reads, heads and deletes in the owning bucket', async () => {
    // Prepare
    s3.on(GetObjectCommand).resolves({ Body: sdkStreamMixin(Readable.from([Buffer.from('m')])) });
    s3.on(HeadObjectCommand).resolves({});
    s3.on(DeleteObjectCommand).resolves({});
    const store = cloudObjectStore(env, new S3Client({}));
    // Act
    const text = await store.getText('models/XAA/current.json');
    await store.exists('curated/t/p.parquet');
    await store.delete('uploads/XAA/f.csv');
    // Assess
    expect(text).toBe('m');
    expect(s3).toHaveReceivedCommandWith(GetObjectCommand, {
      Bucket: 'res-bkt',
      Key: 'models/XAA/current.json',
    });
    expect(s3).toHaveReceivedCommandWith(HeadObjectCommand, {
      Bucket: 'cur-bkt',
      Key: 'curated/t/p.parquet',
    });
    expect(s3).toHaveReceivedCommandWith(DeleteObjectCommand, { Bucket: 'up-bkt', Key: 'uploads/XAA/f.csv' });
  });

  it('lists one bucket for a full segment and merges buckets for an empty prefix', async () => {
    // Prepare
    const contents: Record<string, string[]> = {
      'up-bkt': ['uploads/XAA/f.csv'],
      'cur-bkt': ['curated/t/p.parquet'],
      'res-bkt': ['access/r.json', 'results/XAA/r.json'],
    };
    s3.on(ListObjectsV2Command).callsFake((input: { Bucket: string; Prefix: string }) => ({
      Contents: contents[input.Bucket].filter((k) => k.startsWith(input.Prefix)).map((Key) => ({ Key })),
    }));
    const store = cloudObjectStore(env, new S3Client({}));
    // Act
    const curated = await store.list('curated/');
    const all = await store.list('');
    // Assess
    expect(curated).toEqual(['curated/t/p.parquet']);
    expect(s3.commandCalls(ListObjectsV2Command)[0].args[0].input).toMatchObject({
      Bucket: 'cur-bkt',
      Prefix: 'curated/',
    });
    expect(all).toEqual(['access/r.json', 'curated/t/p.parquet', 'results/XAA/r.json', 'uploads/XAA/f.csv']);
  });

  it('locates keys as s3 URLs of their bucket', () => {
    const store = cloudObjectStore(env, new S3Client({}));
    expect(store.locate('curated/t/p.parquet')).toBe('s3://cur-bkt/curated/t/p.parquet');
    expect(store.locate('uploads/XAA/f.csv')).toBe('s3://up-bkt/uploads/XAA/f.csv');
  });
});
