import { S3Client } from '@aws-sdk/client-s3';
import { describe, expect, it } from 'vitest';
import { S3UploadSigner } from '../../shared/adapters/s3-upload-signer.ts';

describe('S3UploadSigner', () => {
  it('presigns a PUT for the key that expires and binds the content type', async () => {
    const s3 = new S3Client({
      region: 'eu-west-1',
      credentials: { accessKeyId: 'AKIDEXAMPLE', secretAccessKey: 'secret' },
    });
    const url = new URL(
      await new S3UploadSigner(s3, 'lake').presignPut('uploads/XAA/declarations/file 1+2.csv', {
        contentType: 'text/csv',
        contentLength: 10,
        expiresInSeconds: 900,
      }),
    );
    expect(url.hostname).toBe('lake.s3.eu-west-1.amazonaws.com');
    expect(decodeURIComponent(url.pathname)).toBe('/uploads/XAA/declarations/file 1+2.csv');
    expect(url.searchParams.get('X-Amz-Expires')).toBe('900');
    expect(url.searchParams.get('X-Amz-SignedHeaders')).toContain('content-type');
  });

  it('refuses keys that escape the bucket layout', async () => {
    const s3 = new S3Client({ region: 'eu-west-1', credentials: { accessKeyId: 'a', secretAccessKey: 'b' } });
    await expect(
      new S3UploadSigner(s3, 'lake').presignPut('uploads/../secrets/x', {
        contentType: 'text/csv',
        contentLength: 1,
        expiresInSeconds: 60,
      }),
    ).rejects.toThrow(/invalid object key/);
  });
});
