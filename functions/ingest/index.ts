import { SecretsManagerClient } from '@aws-sdk/client-secrets-manager';
import { SecretsManagerKeyStore } from '../../shared/adapters/secrets-manager-key-store.ts';
import { cloudObjectStore } from '../cloud-store.ts';
import { requireEnv } from '../lambda-env.ts';
import { withPowertools } from '../powertools.ts';
import { makeIngestHandler } from './handler.ts';

// Lambda entry: reads uploads/ from the uploads bucket, writes curated/ and its records (cloud-store.ts);
// pseudonymisation keys come from Secrets Manager under PSEUDONYM_SECRET_PREFIX/<ADMIN> (created on first
// use when PSEUDONYM_CREATE_KEYS=true).
export const handler = withPowertools(
  makeIngestHandler({
    store: cloudObjectStore(),
    keys: new SecretsManagerKeyStore(new SecretsManagerClient({}), {
      prefix: requireEnv('PSEUDONYM_SECRET_PREFIX'),
      createIfMissing: process.env.PSEUDONYM_CREATE_KEYS === 'true',
    }),
  }),
);
