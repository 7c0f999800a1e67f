import { isAdministrationCode } from '../../shared/identity/principal.ts';

/**
 * Parses MEMBER_CLIENTS, set by CDK: `[{"clientId": "...", "administration": "XAA"}, ...]`.
 * A malformed value fails the cold start, so a misconfigured deployment never serves requests.
 */
export function parseMemberClients(raw: string | undefined): Record<string, string> {
  if (!raw) return {};
  let list: unknown;
  try {
    list = JSON.parse(raw);
  } catch {
    throw new Error('MEMBER_CLIENTS is not valid JSON');
  }
  if (!Array.isArray(list)) throw new Error('MEMBER_CLIENTS must be a JSON array');
  const out: Record<string, string> = {};
  for (const entry of list) {
    const { clientId, administration } = (entry ?? {}) as { clientId?: unknown; administration?: unknown };
    if (
      typeof clientId !== 'string' ||
      typeof administration !== 'string' ||
      !isAdministrationCode(administration)
    )
      throw new Error(`MEMBER_CLIENTS has an invalid entry: ${JSON.stringify(entry)}`);
    out[clientId] = administration;
  }
  return out;
}
