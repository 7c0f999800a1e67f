/** Who is calling, as every route's authorisation sees it, whatever issued the token. */
export type Role = 'official' | 'analyst' | 'wco-admin' | 'member-system';

export const ROLES: readonly Role[] = ['official', 'analyst', 'wco-admin', 'member-system'];

/** OAuth scopes a member system's app client can hold (Cognito resource server "bacuda"). */
export type Scope = 'fraud/score' | 'data/upload' | 'results/read';

export const SCOPES: readonly Scope[] = ['fraud/score', 'data/upload', 'results/read'];

export interface Principal {
  subject: string;
  roles: Role[];
  /** The administration an official or member system belongs to (ISO3-like code); null for WCO staff. */
  administration: string | null;
  scopes: Scope[];
  /** Display name or client id, for the audit log. */
  name: string;
}

const ADMIN_CODE = /^[A-Z]{2,8}$/;

export function isAdministrationCode(code: string): boolean {
  return ADMIN_CODE.test(code);
}

/**
 * Maps JWT claims to a Principal. Tokens look like Cognito access tokens: `cognito:groups` for people,
 * `scope` ("bacuda/fraud/score ...") and `client_id` for member systems, and `custom:administration`
 * (added by a pre-token-generation trigger in the cloud, by the local issuer on one machine).
 */
export function principalFromClaims(claims: Record<string, unknown>): Principal {
  const groups = Array.isArray(claims['cognito:groups']) ? (claims['cognito:groups'] as unknown[]) : [];
  const roles = groups.filter((g): g is Role => typeof g === 'string' && (ROLES as string[]).includes(g));
  const scopes = String(claims.scope ?? '')
    .split(/\s+/)
    .map((s) => s.replace(/^bacuda\//, ''))
    .filter((s): s is Scope => (SCOPES as string[]).includes(s));
  if (scopes.length > 0 && roles.length === 0) roles.push('member-system');
  const admin = claims['custom:administration'];
  const administration = typeof admin === 'string' && isAdministrationCode(admin) ? admin : null;
  const subject = String(claims.sub ?? claims.client_id ?? '');
  const name = String(claims.username ?? claims['cognito:username'] ?? claims.client_id ?? subject);
  return { subject, roles, administration, scopes, name };
}
