import type { S3Event } from 'aws-lambda';

/**
 * The S3 ObjectCreated notification S3 would send for `key`: the key URL-encoded with spaces as '+',
 * exactly as S3 encodes it, so the local run exercises the handler's decoding.
 */
export function s3ObjectCreatedEvent(bucket: string, key: string, size: number, eTag: string): S3Event {
  const encodedKey = encodeURIComponent(key).replace(/%2F/g, '/').replace(/%20/g, '+');
  const now = new Date().toISOString();
  return {
    Records: [
      {
        eventVersion: '2.1',
        eventSource: 'aws:s3',
        awsRegion: 'local',
        eventTime: now,
        eventName: 'ObjectCreated:Put',
        userIdentity: { principalId: 'local' },
        requestParameters: { sourceIPAddress: '127.0.0.1' },
        responseElements: { 'x-amz-request-id': 'local', 'x-amz-id-2': 'local' },
        s3: {
          s3SchemaVersion: '1.0',
          configurationId: 'local-upload-watcher',
          bucket: { name: bucket, ownerIdentity: { principalId: 'local' }, arn: `arn:aws:s3:::${bucket}` },
          object: { key: encodedKey, size, eTag, sequencer: Date.now().toString(16).toUpperCase() },
        },
      },
    ],
  };
}
