import type { IncomingMessage } from 'node:http';
import { afterEach, beforeEach, describe, expect, it } from 'vitest';
import { ensureDemoUsers, makeLocalLogin } from '../../../local/local-login.ts';
import { LocalTokenIssuer } from '../../../local/token-issuer.ts';
import { LocalUserStore } from '../../../shared/access/local-user-store.ts';
import type { FsObjectStore } from '../../../shared/adapters/fs-object-store.ts';
import { tempStore } from './fixtures.ts';

let store: FsObjectStore;
let cleanup: () => Promise<void>;
beforeEach(async () => {
  ({ store, cleanup } = await tempStore());
});
afterEach(() => cleanup());

const req = (ip: string, method = 'POST') =>
  ({ method, socket: { remoteAddress: ip } }) as unknown as IncomingMessage;
const body = (o: unknown) => Buffer.from(JSON.stringify(o));

describe('POST /local/login', () => {
  it('mints a token for a demo user that the API verifier accepts, and refuses wrong passwords', async () => {
    const users = new LocalUserStore(store);
    const issuer = await LocalTokenIssuer.open(store.root);
    const printed = await ensureDemoUsers(users, ['XAA', 'XBB']);
    expect(printed.map((u) => u.username)).toEqual(['official-xaa', 'official-xbb', 'analyst', 'admin']);
    const login = makeLocalLogin(users, issuer);
    const ok = await login(req('192.0.2.1'), body({ username: 'official-xaa', password: 'demo-xaa' }));
    expect(ok.status).toBe(200);
    const principal = await issuer.verifier()((ok.body as { token: string }).token);
    expect(principal).toMatchObject({ roles: ['official'], administration: 'XAA', name: 'official-xaa' });
    expect((await login(req('192.0.2.1'), body({ username: 'official-xaa', password: 'nope' }))).status).toBe(
      401,
    );
    expect((await login(req('192.0.2.1'), body({ username: 'ghost', password: 'demo-xaa' }))).status).toBe(
      401,
    );
    expect((await login(req('192.0.2.1', 'GET'), Buffer.alloc(0))).status).toBe(405);
    expect((await login(req('192.0.2.1'), Buffer.from('{'))).status).toBe(400);
  });

  it('throttles guessing per source address', async () => {
    const users = new LocalUserStore(store);
    const login = makeLocalLogin(users, await LocalTokenIssuer.open(store.root));
    const statuses = [];
    for (let i = 0; i < 12; i++)
      statuses.push((await login(req('192.0.2.2'), body({ username: 'x', password: 'y' }))).status);
    expect(statuses.slice(0, 10).every((s) => s === 401)).toBe(true);
    expect(statuses.slice(10)).toEqual([429, 429]);
  });
});
