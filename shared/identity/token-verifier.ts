import { errors, type JWTVerifyGetKey, jwtVerify } from 'jose';
import { type Principal, principalFromClaims } from './principal.ts';

export interface TokenVerifierOptions {
  /** Expected `iss`: the Cognito user pool URL in the cloud, the local issuer's URL on one machine. */
  issuer: string;
  /** Key lookup: createRemoteJWKSet for Cognito, createLocalJWKSet for the local issuer. */
  keys: JWTVerifyGetKey;
  /** Accepted app client ids (`client_id` claim); any when omitted. */
  clientIds?: string[];
  /**
   * Member-system app client id → administration. Cognito client-credentials tokens carry no user
   * attributes, so a machine's administration comes from its registered client.
   */
  memberClients?: Record<string, string>;
}

export type TokenVerifier = (token: string) => Promise<Principal>;

/** Why a bearer token was refused; routes turn it into 401. */
export class InvalidTokenError extends Error {
  constructor(message: string) {
    super(message);
    this.name = 'InvalidTokenError';
  }
}

/**
 * One verification path for Cognito and local tokens: RS256 only (so `alg: none` and HMAC confusion
 * are refused), issuer and expiry checked, access tokens only.
 */
export function makeTokenVerifier(options: TokenVerifierOptions): TokenVerifier {
  return async (token) => {
    try {
      const { payload } = await jwtVerify(token, options.keys, {
        issuer: options.issuer,
        algorithms: ['RS256'],
        clockTolerance: 5,
      });
      if (payload.token_use !== 'access') throw new InvalidTokenError('not an access token');
      if (options.clientIds && !options.clientIds.includes(String(payload.client_id)))
        throw new InvalidTokenError('unknown client');
      const principal = principalFromClaims(payload);
      const mapped = options.memberClients?.[String(payload.client_id)];
      if (principal.roles.includes('member-system') && !principal.administration && mapped)
        principal.administration = mapped;
      return principal;
    } catch (err) {
      if (err instanceof InvalidTokenError) throw err;
      if (err instanceof errors.JWTExpired) throw new InvalidTokenError('token expired');
      if (err instanceof errors.JOSEError) throw new InvalidTokenError(`invalid token: ${err.code}`);
      throw new InvalidTokenError('invalid token');
    }
  };
}
