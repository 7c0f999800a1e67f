import { AthenaClient } from '@aws-sdk/client-athena';
import { S3Client } from '@aws-sdk/client-s3';
import { createRemoteJWKSet } from 'jose';
import { AthenaQueryEngine } from '../../shared/adapters/athena-query-engine.ts';
import { S3ObjectStore } from '../../shared/adapters/s3-object-store.ts';
import { makeTokenVerifier } from '../../shared/identity/token-verifier.ts';
import { requireEnv } from '../lambda-env.ts';
import { makeApiHandler } from './handler.ts';
import { parseMemberClients } from './member-clients.ts';

// Lambda entry: cloud adapters, configured by environment variables set in CDK.
const issuer = requireEnv('COGNITO_ISSUER');
export const handler = makeApiHandler(
  {
    store: new S3ObjectStore(new S3Client({}), requireEnv('DATA_BUCKET')),
    query: new AthenaQueryEngine(new AthenaClient({}), {
      workGroup: requireEnv('ATHENA_WORKGROUP'),
      database: requireEnv('GLUE_DATABASE'),
    }),
    now: () => new Date(),
    mode: 'cloud',
  },
  {
    verifyToken: makeTokenVerifier({
      issuer,
      keys: createRemoteJWKSet(new URL(`${issuer}/.well-known/jwks.json`)),
      memberClients: parseMemberClients(process.env.MEMBER_CLIENTS),
    }),
  },
);
