import { S3Client } from '@aws-sdk/client-s3';
import { SecretsManagerClient } from '@aws-sdk/client-secrets-manager';
import { S3ObjectStore } from '../../shared/adapters/s3-object-store.ts';
import { SecretsManagerKeyStore } from '../../shared/adapters/secrets-manager-key-store.ts';
import { requireEnv } from '../lambda-env.ts';
import { makeIngestHandler } from './handler.ts';

// Lambda entry: uploads and the lake share the data bucket; keys come from Secrets Manager under
// PSEUDONYM_SECRET_PREFIX/<ADMIN> (created on first use when PSEUDONYM_CREATE_KEYS=true).
export const handler = makeIngestHandler({
  store: new S3ObjectStore(new S3Client({}), requireEnv('DATA_BUCKET')),
  keys: new SecretsManagerKeyStore(new SecretsManagerClient({}), {
    prefix: requireEnv('PSEUDONYM_SECRET_PREFIX'),
    createIfMissing: process.env.PSEUDONYM_CREATE_KEYS === 'true',
  }),
});
