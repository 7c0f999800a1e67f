import { PutObjectCommand, type S3Client } from '@aws-sdk/client-s3';
import { getSignedUrl } from '@aws-sdk/s3-request-presigner';
import type { UploadUrlSigner } from '../access/upload-signer.ts';
import { assertValidKey } from '../ports/object-store.ts';

/** Presigned S3 PUT URLs: the signature binds the key, content type and length, and expires. */
export class S3UploadSigner implements UploadUrlSigner {
  private readonly s3: S3Client;
  private readonly bucket: string;

  constructor(s3: S3Client, bucket: string) {
    this.s3 = s3;
    this.bucket = bucket;
  }

  async presignPut(
    key: string,
    options: { contentType: string; contentLength: number; expiresInSeconds: number },
  ): Promise<string> {
    assertValidKey(key);
    return getSignedUrl(
      this.s3,
      new PutObjectCommand({
        Bucket: this.bucket,
        Key: key,
        ContentType: options.contentType,
        ContentLength: options.contentLength,
      }),
      { expiresIn: options.expiresInSeconds, signableHeaders: new Set(['content-type', 'content-length']) },
    );
  }
}
