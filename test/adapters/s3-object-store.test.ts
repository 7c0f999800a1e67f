import { mkdtempSync, rmSync, writeFileSync } from 'node:fs';
import { tmpdir } from 'node:os';
import { join } from 'node:path';
import { Readable } from 'node:stream';
import {
  GetObjectCommand,
  HeadObjectCommand,
  ListObjectsV2Command,
  NoSuchKey,
  NotFound,
  PutObjectCommand,
  S3Client,
} from '@aws-sdk/client-s3';
import { sdkStreamMixin } from '@smithy/util-stream';
import { mockClient } from 'aws-sdk-client-mock';
import { beforeEach, describe, expect, it } from 'vitest';
import { S3ObjectStore } from '../../shared/adapters/s3-object-store.ts';
import { InvalidKeyError, ObjectNotFoundError } from '../../shared/ports/object-store.ts';

const s3 = mockClient(S3Client);

function body(text: string) {
  return sdkStreamMixin(Readable.from([Buffer.from(text)]));
}

describe('S3ObjectStore', () => {
  beforeEach(() => s3.reset());

  it('puts objects into its bucket under the given key', async () => {
    // Prepare
    s3.on(PutObjectCommand).resolves({});
    const store = new S3ObjectStore(new S3Client({}), 'lake');
    // Act
    await store.put('results/XAA/fraud/u1/scores.json', '{}', { contentType: 'application/json' });
    // Assess
    expect(s3).toHaveReceivedCommandWith(PutObjectCommand, {
      Bucket: 'lake',
      Key: 'results/XAA/fraud/u1/scores.json',
      ContentType: 'application/json',
    });
  });

  it('uploads a local file with putFile', async () => {
    s3.on(PutObjectCommand).resolves({});
    const dir = mkdtempSync(join(tmpdir(), 'bacuda-s3-'));
    const local = join(dir, 'f.parquet');
    writeFileSync(local, 'PAR1');
    await new S3ObjectStore(new S3Client({ region: 'eu-west-1' }), 'lake').putFile(
      'curated/a/f.parquet',
      local,
      {
        contentType: 'application/vnd.apache.parquet',
      },
    );
    expect(s3).toHaveReceivedCommandWith(PutObjectCommand, {
      Bucket: 'lake',
      Key: 'curated/a/f.parquet',
      ContentType: 'application/vnd.apache.parquet',
    });
    rmSync(dir, { recursive: true, force: true });
  });

  it('reads an object back as text and bytes', async () => {
    s3.on(GetObjectCommand).callsFake(() => ({ Body: body('hello') }));
    const store = new S3ObjectStore(new S3Client({}), 'lake');
    expect(await store.getText('a/b.txt')).toBe('hello');
    expect(Buffer.from(await store.get('a/b.txt')).toString()).toBe('hello');
  });

  it('turns NoSuchKey into ObjectNotFoundError', async () => {
    s3.on(GetObjectCommand).rejects(
      new NoSuchKey({ message: 'The specified key does not exist.', $metadata: {} }),
    );
    const store = new S3ObjectStore(new S3Client({}), 'lake');
    await expect(store.get('missing.json')).rejects.toBeInstanceOf(ObjectNotFoundError);
  });

  it('answers exists() false on NotFound and true on success', async () => {
    s3.on(HeadObjectCommand, { Key: 'there' }).resolves({});
    s3.on(HeadObjectCommand, { Key: 'gone' }).rejects(new NotFound({ message: 'Not Found', $metadata: {} }));
    const store = new S3ObjectStore(new S3Client({}), 'lake');
    expect(await store.exists('there')).toBe(true);
    expect(await store.exists('gone')).toBe(false);
  });

  it('follows ListObjectsV2 continuation tokens across pages', async () => {
    s3.on(ListObjectsV2Command, { ContinuationToken: undefined })
      .resolves({
        Contents: [{ Key: 'p/2' }, { Key: 'p/1' }],
        IsTruncated: true,
        NextContinuationToken: 't1',
      })
      .on(ListObjectsV2Command, { ContinuationToken: 't1' })
      .resolves({ Contents: [{ Key: 'p/3' }], IsTruncated: false });
    const store = new S3ObjectStore(new S3Client({}), 'lake');
    expect(await store.list('p/')).toEqual(['p/1', 'p/2', 'p/3']);
    expect(s3).toHaveReceivedCommandTimes(ListObjectsV2Command, 2);
  });

  it('refuses keys that escape the layout before calling S3', async () => {
    const store = new S3ObjectStore(new S3Client({}), 'lake');
    await expect(store.put('../etc/passwd', 'x')).rejects.toBeInstanceOf(InvalidKeyError);
    await expect(store.get('/abs')).rejects.toBeInstanceOf(InvalidKeyError);
    expect(s3.calls()).toHaveLength(0);
  });

  it('locates objects as s3:// URLs for the query engine', () => {
    expect(new S3ObjectStore(new S3Client({}), 'lake').locate('curated/x.parquet')).toBe(
      's3://lake/curated/x.parquet',
    );
  });
});
