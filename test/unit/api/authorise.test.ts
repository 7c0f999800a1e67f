import { afterEach, beforeEach, describe, expect, it } from 'vitest';
import { queryAudit } from '../../../shared/access/audit-log.ts';
import { authoriseAdministration, readableAdministrations } from '../../../shared/access/authorise.ts';
import { recordAcceptance } from '../../../shared/access/confidentiality.ts';
import { createGrant, revokeGrant } from '../../../shared/access/grants.ts';
import type { FsObjectStore } from '../../../shared/adapters/fs-object-store.ts';
import { ctx, principal, tempStore } from './fixtures.ts';

let store: FsObjectStore;
let cleanup: () => Promise<void>;
const now = () => new Date('2026-05-01T10:00:00Z');

beforeEach(async () => {
  ({ store, cleanup } = await tempStore());
});
afterEach(() => cleanup());

const deps = () => ({ store, now });
const status = (p: Promise<unknown>) =>
  p.then(
    () => 200,
    (e: { status?: number; code?: string }) => `${e.status} ${e.code}`,
  );

describe('authoriseAdministration', () => {
  it('lets officials and member systems at their own administration only', async () => {
    const off = principal('official', 'XAA');
    expect(await status(authoriseAdministration(ctx(off), 'XAA', deps(), 'approve'))).toBe(200);
    expect(await status(authoriseAdministration(ctx(off), 'XBB', deps(), 'read'))).toBe('403 forbidden');
    const member = principal('member-system', 'XAA', { scopes: ['fraud/score'] });
    expect(await status(authoriseAdministration(ctx(member), 'XAA', deps(), 'score'))).toBe(200);
    expect(await status(authoriseAdministration(ctx(member), 'XAA', deps(), 'read'))).toBe('403 forbidden');
    expect(await status(authoriseAdministration(ctx(member), 'XAA', deps(), 'approve'))).toBe(
      '403 forbidden',
    );
    expect(await status(authoriseAdministration(ctx(member), 'XBB', deps(), 'score'))).toBe('403 forbidden');
  });

  it('refuses malformed administration codes with 400 and anonymous callers with 401', async () => {
    const off = principal('official', 'XAA');
    expect(await status(authoriseAdministration(ctx(off), "XAA' OR 1=1", deps(), 'read'))).toBe(
      '400 bad_request',
    );
    expect(await status(authoriseAdministration(ctx(null), 'XAA', deps(), 'read'))).toBe('401 unauthorized');
  });

  it('needs a grant and the current confidentiality statement for analysts, read only', async () => {
    const analyst = principal('analyst', null, { name: 'ana' });
    expect(await status(authoriseAdministration(ctx(analyst), 'XAA', deps(), 'read'))).toBe('403 forbidden');
    const grant = await createGrant(deps(), principal('wco-admin'), {
      administration: 'XAA',
      analyst: 'ana',
    });
    expect(await status(authoriseAdministration(ctx(analyst), 'XAA', deps(), 'read'))).toBe(
      '403 confidentiality_required',
    );
    expect(await readableAdministrations(analyst, deps())).toEqual([]);
    await recordAcceptance(deps(), analyst, '192.0.2.9');
    expect(await status(authoriseAdministration(ctx(analyst), 'XAA', deps(), 'read'))).toBe(200);
    expect(await readableAdministrations(analyst, deps())).toEqual(['XAA']);
    expect(await status(authoriseAdministration(ctx(analyst), 'XAA', deps(), 'approve'))).toBe(
      '403 forbidden',
    );
    expect(await status(authoriseAdministration(ctx(analyst), 'XBB', deps(), 'read'))).toBe('403 forbidden');
    await revokeGrant(deps(), principal('wco-admin'), 'XAA', grant.id);
    expect(await status(authoriseAdministration(ctx(analyst), 'XAA', deps(), 'read'))).toBe('403 forbidden');
  });

  it('ignores expired grants and grants for other analysts', async () => {
    const analyst = principal('analyst', null, { name: 'ana' });
    await recordAcceptance(deps(), analyst, '192.0.2.9');
    await createGrant(deps(), principal('wco-admin'), {
      administration: 'XAA',
      analyst: 'ana',
      expiresAt: '2026-04-30T00:00:00Z',
    });
    await createGrant(deps(), principal('wco-admin'), { administration: 'XBB', analyst: 'bob' });
    await createGrant(deps(), principal('wco-admin'), { administration: 'XCC', analyst: '*' });
    expect(await readableAdministrations(analyst, deps())).toEqual(['XCC']);
  });

  it('keeps wco-admin out of administrations data', async () => {
    const admin = principal('wco-admin');
    expect(await status(authoriseAdministration(ctx(admin), 'XAA', deps(), 'read'))).toBe('403 forbidden');
    expect(await status(authoriseAdministration(ctx(admin), 'XAA', deps(), 'grant'))).toBe(200);
  });

  it('writes allowed and denied data access to the audit log', async () => {
    await authoriseAdministration(ctx(principal('official', 'XAA')), 'XAA', deps(), 'read', {
      resource: '/v1/datasets',
    });
    await authoriseAdministration(ctx(principal('official', 'XBB')), 'XAA', deps(), 'read').catch(() => {});
    const { items } = await queryAudit(deps(), { from: '2026-05-01', to: '2026-05-01', limit: 10 });
    expect(items.map((e) => [e.action, e.outcome, e.actor?.name, e.sourceIp])).toEqual(
      expect.arrayContaining([
        ['data.read', 'allowed', 'official-XAA', '192.0.2.1'],
        ['data.read', 'denied', 'official-XBB', '192.0.2.1'],
      ]),
    );
    const xbbOnly = await queryAudit(deps(), {
      from: '2026-05-01',
      to: '2026-05-01',
      administrations: ['XBB'],
      limit: 10,
    });
    expect(xbbOnly.items).toEqual([]);
  });
});
