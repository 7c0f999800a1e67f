import { createReadStream } from 'node:fs';
import type { Readable } from 'node:stream';
import {
  DeleteObjectCommand,
  GetObjectCommand,
  HeadObjectCommand,
  ListObjectsV2Command,
  NoSuchKey,
  NotFound,
  PutObjectCommand,
  type S3Client,
} from '@aws-sdk/client-s3';
import { Upload } from '@aws-sdk/lib-storage';
import { assertValidKey, ObjectNotFoundError, type ObjectStore } from '../ports/object-store.ts';

/** ObjectStore on one S3 bucket. Encryption is the bucket's default (SSE-KMS, set in CDK). */
export class S3ObjectStore implements ObjectStore {
  private readonly s3: S3Client;
  readonly bucket: string;

  constructor(s3: S3Client, bucket: string) {
    this.s3 = s3;
    this.bucket = bucket;
  }

  async put(key: string, body: Uint8Array | string, options?: { contentType?: string }): Promise<void> {
    assertValidKey(key);
    await this.s3.send(
      new PutObjectCommand({ Bucket: this.bucket, Key: key, Body: body, ContentType: options?.contentType }),
    );
  }

  async putFile(key: string, path: string, options?: { contentType?: string }): Promise<void> {
    await this.putStream(key, createReadStream(path), options);
  }

  async putStream(key: string, body: Readable, options?: { contentType?: string }): Promise<void> {
    assertValidKey(key);
    // Multipart upload: the body length is unknown and may exceed what one PUT takes.
    await new Upload({
      client: this.s3,
      params: { Bucket: this.bucket, Key: key, Body: body, ContentType: options?.contentType },
    }).done();
  }

  private async getObject(key: string) {
    assertValidKey(key);
    try {
      const res = await this.s3.send(new GetObjectCommand({ Bucket: this.bucket, Key: key }));
      if (!res.Body) throw new ObjectNotFoundError(key);
      return res.Body;
    } catch (err) {
      if (err instanceof NoSuchKey || (err as Error).name === 'NoSuchKey') throw new ObjectNotFoundError(key);
      throw err;
    }
  }

  async get(key: string): Promise<Uint8Array> {
    return (await this.getObject(key)).transformToByteArray();
  }

  async getText(key: string): Promise<string> {
    return (await this.getObject(key)).transformToString('utf-8');
  }

  async getStream(key: string): Promise<Readable> {
    return (await this.getObject(key)) as unknown as Readable;
  }

  async exists(key: string): Promise<boolean> {
    assertValidKey(key);
    try {
      await this.s3.send(new HeadObjectCommand({ Bucket: this.bucket, Key: key }));
      return true;
    } catch (err) {
      if (
        err instanceof NotFound ||
        (err as Error).name === 'NotFound' ||
        (err as Error).name === 'NoSuchKey'
      )
        return false;
      throw err;
    }
  }

  async list(prefix: string): Promise<string[]> {
    const keys: string[] = [];
    let token: string | undefined;
    do {
      const res = await this.s3.send(
        new ListObjectsV2Command({ Bucket: this.bucket, Prefix: prefix, ContinuationToken: token }),
      );
      for (const o of res.Contents ?? []) if (o.Key) keys.push(o.Key);
      token = res.IsTruncated ? res.NextContinuationToken : undefined;
    } while (token);
    return keys.sort();
  }

  async delete(key: string): Promise<void> {
    assertValidKey(key);
    await this.s3.send(new DeleteObjectCommand({ Bucket: this.bucket, Key: key }));
  }

  locate(key: string): string {
    return `s3://${this.bucket}/${key}`;
  }
}
