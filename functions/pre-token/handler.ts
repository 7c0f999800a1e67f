import middy from '@middy/core';
import type { PreTokenGenerationV2TriggerEvent } from 'aws-lambda';
import { isAdministrationCode } from '../../shared/identity/principal.ts';

/**
 * Cognito pre-token-generation (V2) trigger. Access tokens carry no user attributes, yet every API
 * decision needs the caller's administration: this copies `custom:administration` into the access token,
 * so Cognito tokens look exactly like the local issuer's and one verifier serves both.
 */
export function makePreTokenHandler() {
  return middy<PreTokenGenerationV2TriggerEvent, PreTokenGenerationV2TriggerEvent>().handler(
    async (event) => {
      const admin = event.request.userAttributes['custom:administration'];
      if (admin && isAdministrationCode(admin)) {
        event.response = {
          ...event.response,
          claimsAndScopeOverrideDetails: {
            ...event.response?.claimsAndScopeOverrideDetails,
            accessTokenGeneration: { claimsToAddOrOverride: { 'custom:administration': admin } },
          },
        };
      }
      return event;
    },
  );
}
