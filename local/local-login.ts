import type { IncomingMessage } from 'node:http';
import { demoUsers, type LocalUserStore } from '../shared/access/local-user-store.ts';
import { ApiError } from '../shared/http/api-error.ts';
import { TokenBucketRateLimiter } from '../shared/http/rate-limiter.ts';
import type { LocalTokenIssuer } from './token-issuer.ts';

const TTL_SECONDS = 8 * 3600;

/**
 * POST /local/login {username, password} → {token}: the local stand-in for the Cognito hosted UI. Checks
 * the local user store and mints a token shaped like a Cognito access token for that user's group and
 * administration. Throttled per source address (a burst of 10, then one try every 6 s) against guessing.
 */
export function makeLocalLogin(users: LocalUserStore, issuer: LocalTokenIssuer) {
  const limiter = new TokenBucketRateLimiter(1 / 6, 10);
  return async (req: IncomingMessage, body: Buffer): Promise<{ status: number; body: unknown }> => {
    if (req.method !== 'POST') return error(405, 'method_not_allowed', 'POST a JSON {username, password}');
    try {
      limiter.take(req.socket.remoteAddress ?? 'unknown');
    } catch (err) {
      if (err instanceof ApiError) return error(429, err.code, err.message);
      throw err;
    }
    let input: { username?: unknown; password?: unknown };
    try {
      input = JSON.parse(body.toString('utf8'));
    } catch {
      return error(400, 'bad_request', 'body is not valid JSON');
    }
    const { username, password } = input;
    if (
      typeof username !== 'string' ||
      typeof password !== 'string' ||
      username.length > 64 ||
      password.length > 256
    )
      return error(400, 'bad_request', 'username and password are required');
    const user = await users.verify(username, password);
    if (!user) return error(401, 'unauthorized', 'unknown user or wrong password');
    const token = await issuer.mint({
      role: user.role,
      administration: user.administration,
      subject: `local:${user.username}`,
      username: user.username,
      ttlSeconds: TTL_SECONDS,
    });
    return {
      status: 200,
      body: {
        token,
        expiresIn: TTL_SECONDS,
        user: {
          username: user.username,
          name: user.name,
          role: user.role,
          administration: user.administration,
        },
      },
    };
  };
}

function error(status: number, code: string, message: string) {
  return { status, body: { error: { code, message } } };
}

/** Creates (or resets) the demo accounts and returns them for `bacuda start` to print. */
export async function ensureDemoUsers(
  users: LocalUserStore,
  administrations: readonly string[],
): Promise<{ username: string; password: string; role: string; administration: string | null }[]> {
  const out = [];
  for (const { user, password } of demoUsers(administrations)) {
    await users.upsert(user, password);
    out.push({ username: user.username, password, role: user.role, administration: user.administration });
  }
  return out;
}
