import type { PreTokenGenerationV2TriggerEvent } from 'aws-lambda';
import { createLocalJWKSet, exportJWK, generateKeyPair, SignJWT } from 'jose';
import { describe, expect, it } from 'vitest';
import { parseMemberClients } from '../../../functions/api/member-clients.ts';
import { makePreTokenHandler } from '../../../functions/pre-token/handler.ts';
import { makeTokenVerifier } from '../../../shared/identity/token-verifier.ts';

describe('Cognito access tokens', () => {
  it('map a client-credentials token to its administration through MEMBER_CLIENTS', async () => {
    const { privateKey, publicKey } = await generateKeyPair('RS256');
    const jwk = { ...(await exportJWK(publicKey)), kid: 'c1', alg: 'RS256' };
    const issuer = 'https://cognito-idp.eu-west-1.amazonaws.com/eu-west-1_abc';
    const verify = makeTokenVerifier({
      issuer,
      keys: createLocalJWKSet({ keys: [jwk] }),
      memberClients: parseMemberClients('[{"clientId":"7abc","administration":"XAA"}]'),
    });
    // The shape Cognito issues for the client-credentials grant: no user attributes, no aud.
    const token = await new SignJWT({
      token_use: 'access',
      client_id: '7abc',
      scope: 'fraud/score results/read',
    })
      .setProtectedHeader({ alg: 'RS256', kid: 'c1' })
      .setIssuer(issuer)
      .setSubject('7abc')
      .setExpirationTime('1h')
      .sign(privateKey);
    expect(await verify(token)).toMatchObject({
      roles: ['member-system'],
      administration: 'XAA',
      scopes: ['fraud/score', 'results/read'],
    });
  });

  it('refuse malformed MEMBER_CLIENTS at cold start', () => {
    expect(() => parseMemberClients('{')).toThrow('not valid JSON');
    expect(() => parseMemberClients('[{"clientId":"x","administration":"x; drop"}]')).toThrow(
      'invalid entry',
    );
    expect(parseMemberClients(undefined)).toEqual({});
  });

  it("get the user's administration from the pre-token-generation trigger", async () => {
    const handler = makePreTokenHandler();
    const event = {
      version: '2',
      triggerSource: 'TokenGeneration_Authentication',
      request: { userAttributes: { 'custom:administration': 'XBB' }, groupConfiguration: {}, scopes: [] },
      response: { claimsAndScopeOverrideDetails: null },
    } as unknown as PreTokenGenerationV2TriggerEvent;
    const out = await handler(event, {} as never);
    expect(out.response.claimsAndScopeOverrideDetails?.accessTokenGeneration?.claimsToAddOrOverride).toEqual({
      'custom:administration': 'XBB',
    });
  });

  it('leave tokens of users without a valid administration untouched', async () => {
    const handler = makePreTokenHandler();
    const event = {
      request: { userAttributes: { 'custom:administration': 'not valid' } },
      response: { claimsAndScopeOverrideDetails: null },
    } as unknown as PreTokenGenerationV2TriggerEvent;
    expect((await handler(event, {} as never)).response.claimsAndScopeOverrideDetails).toBeNull();
  });
});
