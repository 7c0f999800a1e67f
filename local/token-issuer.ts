import { randomUUID } from 'node:crypto';
import { mkdir, readFile, writeFile } from 'node:fs/promises';
import { join } from 'node:path';
import { createLocalJWKSet, exportJWK, generateKeyPair, importJWK, type JWK, SignJWT } from 'jose';
import type { Role, Scope } from '../shared/identity/principal.ts';
import { SCOPES } from '../shared/identity/principal.ts';
import { makeTokenVerifier, type TokenVerifier } from '../shared/identity/token-verifier.ts';

/** The `iss` of locally minted tokens. Cognito's is https://cognito-idp.<region>.amazonaws.com/<pool>. */
export const LOCAL_ISSUER = 'urn:bacuda:local-issuer';

export interface MintOptions {
  role: Role;
  administration?: string | null;
  subject?: string;
  username?: string;
  scopes?: Scope[];
  ttlSeconds?: number;
}

/**
 * Stands in for Cognito on one machine: an RS256 key pair kept in the store (so tokens survive a restart
 * and `bacuda dev-token` can mint tokens the running server accepts), tokens shaped like Cognito access
 * tokens, and a JWKS the verifier reads exactly as it reads Cognito's.
 */
export class LocalTokenIssuer {
  private readonly privateKey: CryptoKey;
  readonly publicJwk: JWK;

  private constructor(privateKey: CryptoKey, publicJwk: JWK) {
    this.privateKey = privateKey;
    this.publicJwk = publicJwk;
  }

  static async open(storeDir: string): Promise<LocalTokenIssuer> {
    const file = join(storeDir, 'secrets', 'local-issuer.jwk.json');
    let stored: { privateJwk: JWK; publicJwk: JWK };
    try {
      stored = JSON.parse(await readFile(file, 'utf8'));
      if (!stored.privateJwk || !stored.publicJwk) throw new Error('incomplete key file');
    } catch (err) {
      if ((err as NodeJS.ErrnoException).code !== 'ENOENT')
        throw new Error(
          `local issuer key ${file} is unreadable (${(err as Error).message}); delete it to make a new one`,
        );
      const { privateKey, publicKey } = await generateKeyPair('RS256', { extractable: true });
      const kid = randomUUID();
      stored = {
        privateJwk: { ...(await exportJWK(privateKey)), kid, alg: 'RS256' },
        publicJwk: { ...(await exportJWK(publicKey)), kid, alg: 'RS256', use: 'sig' },
      };
      await mkdir(join(storeDir, 'secrets'), { recursive: true, mode: 0o700 });
      await writeFile(file, JSON.stringify(stored), { mode: 0o600 });
    }
    const key = (await importJWK(stored.privateJwk, 'RS256')) as CryptoKey;
    return new LocalTokenIssuer(key, stored.publicJwk);
  }

  jwks(): { keys: JWK[] } {
    return { keys: [this.publicJwk] };
  }

  verifier(): TokenVerifier {
    return makeTokenVerifier({ issuer: LOCAL_ISSUER, keys: createLocalJWKSet(this.jwks()) });
  }

  async mint(options: MintOptions): Promise<string> {
    const isMember = options.role === 'member-system';
    const administration = options.administration ?? null;
    const subject =
      options.subject ??
      (isMember ? `member-${administration ?? 'none'}` : `${options.role}-${administration ?? 'wco'}`);
    const claims: Record<string, unknown> = {
      token_use: 'access',
      client_id: isMember ? subject : 'bacuda-portal',
      username: options.username ?? subject,
    };
    if (isMember) claims.scope = (options.scopes ?? [...SCOPES]).map((s) => `bacuda/${s}`).join(' ');
    else claims['cognito:groups'] = [options.role];
    if (administration) claims['custom:administration'] = administration;
    return new SignJWT(claims)
      .setProtectedHeader({ alg: 'RS256', kid: this.publicJwk.kid })
      .setIssuer(LOCAL_ISSUER)
      .setSubject(subject)
      .setIssuedAt()
      .setExpirationTime(`${options.ttlSeconds ?? 8 * 3600}s`)
      .sign(this.privateKey);
  }
}
