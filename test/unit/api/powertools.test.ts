import type { PreTokenGenerationV2TriggerEvent } from 'aws-lambda';
import { describe, expect, it, vi } from 'vitest';
import { logger, withPowertools } from '../../../functions/powertools.ts';
import { makePreTokenHandler } from '../../../functions/pre-token/handler.ts';

describe('Lambda entry points with Powertools', () => {
  it('keep the handler result and add the Lambda context to structured logs', async () => {
    const handler = withPowertools(makePreTokenHandler());
    const event = {
      request: { userAttributes: { 'custom:administration': 'XAA' } },
      response: { claimsAndScopeOverrideDetails: null },
    } as unknown as PreTokenGenerationV2TriggerEvent;
    const context = {
      functionName: 'bacuda-dev-PreToken',
      functionVersion: '$LATEST',
      invokedFunctionArn: 'arn:aws:lambda:eu-west-1:123456789012:function:bacuda-dev-PreToken',
      memoryLimitInMB: '256',
      awsRequestId: 'req-1',
      getRemainingTimeInMillis: () => 5000,
    };
    const seen = vi.spyOn(logger, 'addContext');
    const out = await handler(event, context as never);
    expect(out.response.claimsAndScopeOverrideDetails?.accessTokenGeneration?.claimsToAddOrOverride).toEqual({
      'custom:administration': 'XAA',
    });
    expect(seen).toHaveBeenCalledWith(expect.objectContaining({ awsRequestId: 'req-1' }));
  });
});
