import type { Principal } from '../identity/principal.ts';
import type { AccessDeps } from './context.ts';
import { keySegment, readJson, writeJson } from './json-store.ts';

/**
 * The confidentiality statement analysts accept before they see any administration's data. Publishing a
 * new version (bumping `version`) makes every analyst accept again before their next data access.
 */
export const CONFIDENTIALITY_STATEMENT = {
  version: '2026-1',
  title: 'BACUDA confidentiality statement',
  text: [
    'I will use data made available through BACUDA only for the analytical work agreed with the administration that provided it.',
    'I will not attempt to re-identify persons, companies or declarations in anonymised data, and I will not combine it with other data for that purpose.',
    'I will not copy, publish or pass on data or preliminary results. Results are published only after the data-owning administration has approved them.',
    'I understand that every access is recorded, and that breaching this statement ends my access.',
  ].join('\n\n'),
} as const;

export interface ConfidentialityAcceptance {
  subject: string;
  name: string;
  version: string;
  acceptedAt: string;
  sourceIp: string;
}

/** One document per (subject, version): acceptances of older versions stay on record. */
export function acceptanceKey(subject: string, version: string): string {
  return `access/confidentiality/${keySegment(subject)}/${version}.json`;
}

export async function recordAcceptance(
  deps: AccessDeps,
  principal: Principal,
  sourceIp: string,
  version: string = CONFIDENTIALITY_STATEMENT.version,
): Promise<ConfidentialityAcceptance> {
  const existing = await readJson<ConfidentialityAcceptance>(
    deps.store,
    acceptanceKey(principal.subject, version),
  );
  if (existing) return existing;
  const acceptance: ConfidentialityAcceptance = {
    subject: principal.subject,
    name: principal.name,
    version,
    acceptedAt: deps.now().toISOString(),
    sourceIp,
  };
  await writeJson(deps.store, acceptanceKey(principal.subject, version), acceptance);
  return acceptance;
}

/** The caller's acceptance of the current statement, if any. */
export function currentAcceptance(
  deps: AccessDeps,
  subject: string,
): Promise<ConfidentialityAcceptance | undefined> {
  return readJson<ConfidentialityAcceptance>(
    deps.store,
    acceptanceKey(subject, CONFIDENTIALITY_STATEMENT.version),
  );
}
