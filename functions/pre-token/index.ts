import { withPowertools } from '../powertools.ts';
import { makePreTokenHandler } from './handler.ts';

// Lambda entry for the Cognito pre-token-generation trigger (no adapters needed).
export const handler = withPowertools(makePreTokenHandler());
