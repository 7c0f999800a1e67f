import { AthenaClient } from '@aws-sdk/client-athena';
import { CognitoIdentityProviderClient } from '@aws-sdk/client-cognito-identity-provider';
import { S3Client } from '@aws-sdk/client-s3';
import { createRemoteJWKSet } from 'jose';
import { AthenaQueryEngine } from '../../shared/adapters/athena-query-engine.ts';
import { CognitoUserDirectory } from '../../shared/adapters/cognito-user-directory.ts';
import { S3UploadSigner } from '../../shared/adapters/s3-upload-signer.ts';
import { makeTokenVerifier } from '../../shared/identity/token-verifier.ts';
import { cloudObjectStore, uploadsBucket } from '../cloud-store.ts';
import { requireEnv } from '../lambda-env.ts';
import { withPowertools } from '../powertools.ts';
import { makeApiHandler } from './handler.ts';
import { parseMemberClients } from './member-clients.ts';

// Lambda entry: cloud adapters, configured by environment variables set in CDK.
const issuer = requireEnv('COGNITO_ISSUER');
const s3 = new S3Client({});
const userPoolId = process.env.USER_POOL_ID;
export const handler = withPowertools(
  makeApiHandler(
    {
      store: cloudObjectStore(process.env, s3),
      query: new AthenaQueryEngine(new AthenaClient({}), {
        workGroup: requireEnv('ATHENA_WORKGROUP'),
        database: requireEnv('GLUE_DATABASE'),
      }),
      now: () => new Date(),
      mode: 'cloud',
      // Approving access requests creates Cognito users; without USER_POOL_ID those approvals answer 503.
      users: userPoolId
        ? new CognitoUserDirectory(new CognitoIdentityProviderClient({}), userPoolId)
        : undefined,
      // Upload keys are uploads/<ADMIN>/<dataset>/<file>: the uploads bucket.
      uploadSigner: new S3UploadSigner(s3, uploadsBucket()),
    },
    {
      verifyToken: makeTokenVerifier({
        issuer,
        keys: createRemoteJWKSet(new URL(`${issuer}/.well-known/jwks.json`)),
        memberClients: parseMemberClients(process.env.MEMBER_CLIENTS),
      }),
    },
  ),
);
