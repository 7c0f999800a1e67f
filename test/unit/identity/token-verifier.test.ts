import { mkdtemp, rm } from 'node:fs/promises';
import { tmpdir } from 'node:os';
import { join } from 'node:path';
import { createLocalJWKSet, exportJWK, generateKeyPair, SignJWT, UnsecuredJWT } from 'jose';
import { afterAll, beforeAll, describe, expect, it } from 'vitest';
import { LOCAL_ISSUER, LocalTokenIssuer } from '../../../local/token-issuer.ts';
import { InvalidTokenError, makeTokenVerifier } from '../../../shared/identity/token-verifier.ts';

describe('token verification (one path for Cognito and the local issuer)', () => {
  let dir: string;
  let issuer: LocalTokenIssuer;
  beforeAll(async () => {
    dir = await mkdtemp(join(tmpdir(), 'bacuda-iss-'));
    issuer = await LocalTokenIssuer.open(dir);
  });
  afterAll(() => rm(dir, { recursive: true, force: true }));

  it('accepts a locally minted official token and maps its claims', async () => {
    const token = await issuer.mint({ role: 'official', administration: 'XAA' });
    const p = await issuer.verifier()(token);
    expect(p).toMatchObject({ roles: ['official'], administration: 'XAA', scopes: [] });
  });

  it('gives member systems their scopes and the member-system role', async () => {
    const token = await issuer.mint({
      role: 'member-system',
      administration: 'XBB',
      scopes: ['fraud/score'],
    });
    expect(await issuer.verifier()(token)).toMatchObject({
      roles: ['member-system'],
      administration: 'XBB',
      scopes: ['fraud/score'],
    });
  });

  it('keeps its key across restarts, so earlier tokens stay valid', async () => {
    const token = await issuer.mint({ role: 'analyst' });
    const reopened = await LocalTokenIssuer.open(dir);
    await expect(reopened.verifier()(token)).resolves.toMatchObject({ roles: ['analyst'] });
  });

  it.each([
    ['expired', async () => issuer.mint({ role: 'official', administration: 'XAA', ttlSeconds: -60 })],
    [
      'signed by another key',
      async () => {
        const other = await generateKeyPair('RS256');
        return new SignJWT({ token_use: 'access', 'cognito:groups': ['official'] })
          .setProtectedHeader({ alg: 'RS256', kid: issuer.publicJwk.kid })
          .setIssuer(LOCAL_ISSUER)
          .setExpirationTime('1h')
          .sign(other.privateKey);
      },
    ],
    [
      'unsigned (alg none)',
      async () =>
        new UnsecuredJWT({ token_use: 'access', 'cognito:groups': ['wco-admin'] })
          .setIssuer(LOCAL_ISSUER)
          .encode(),
    ],
    ['garbage', async () => 'not.a.jwt'],
  ])('refuses a token that is %s', async (_name, make) => {
    await expect(issuer.verifier()(await make())).rejects.toBeInstanceOf(InvalidTokenError);
  });

  describe('with a key the test controls', () => {
    async function setup() {
      const { privateKey, publicKey } = await generateKeyPair('RS256');
      const jwk = { ...(await exportJWK(publicKey)), kid: 'k1', alg: 'RS256' };
      const verify = makeTokenVerifier({
        issuer: 'https://cognito.example/pool',
        keys: createLocalJWKSet({ keys: [jwk] }),
      });
      const sign = (claims: Record<string, unknown>, iss: string) =>
        new SignJWT(claims)
          .setProtectedHeader({ alg: 'RS256', kid: 'k1' })
          .setIssuer(iss)
          .setExpirationTime('1h')
          .sign(privateKey);
      return { verify, sign };
    }

    it('refuses a correctly signed token from another issuer', async () => {
      const { verify, sign } = await setup();
      await expect(
        verify(await sign({ token_use: 'access' }, 'https://evil.example')),
      ).rejects.toBeInstanceOf(InvalidTokenError);
      await expect(
        verify(await sign({ token_use: 'access' }, 'https://cognito.example/pool')),
      ).resolves.toBeDefined();
    });

    it('refuses ID tokens where access tokens are required', async () => {
      const { verify, sign } = await setup();
      await expect(verify(await sign({ token_use: 'id' }, 'https://cognito.example/pool'))).rejects.toThrow(
        'not an access token',
      );
    });
  });
});
