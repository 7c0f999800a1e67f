import { mkdir, mkdtemp, readdir, readFile, rm, writeFile } from 'node:fs/promises';
import { createServer } from 'node:net';
import { tmpdir } from 'node:os';
import { join } from 'node:path';
import { setTimeout as sleep } from 'node:timers/promises';
import { afterAll, beforeAll, describe, expect, it } from 'vitest';
import { main } from '../../cli/main.ts';
import { LocalTokenIssuer } from '../../local/token-issuer.ts';

/** Starts `bacuda start` in-process, as `npm start` would, on a free port and a fresh store. */
async function startPlatform(store: string, extra: string[] = []) {
  const out: string[] = [];
  const log: string[] = [];
  const controller = new AbortController();
  const done = main(
    ['start', '--port', '0', '--store', store, '--demo-rows', '400', '--no-pipeline', ...extra],
    {
      out: (s) => out.push(s),
      log: (s) => log.push(s),
      signal: controller.signal,
    },
  );
  for (let i = 0; i < 600 && out.length === 0; i++) {
    const finished = await Promise.race([done.then(() => true), sleep(100).then(() => false)]);
    if (finished) break;
  }
  const ready = out.length ? JSON.parse(out[0]) : undefined;
  const stop = async () => {
    controller.abort();
    return done;
  };
  return { ready, log, stop };
}

describe('bacuda start (local platform)', () => {
  let store: string;
  let platform: Awaited<ReturnType<typeof startPlatform>>;
  beforeAll(async () => {
    store = await mkdtemp(join(tmpdir(), 'bacuda-start-'));
    platform = await startPlatform(store);
  });
  afterAll(async () => {
    expect(await platform.stop()).toBe(0);
    await rm(store, { recursive: true, force: true });
  });

  it('serves /health', async () => {
    expect(platform.ready.status).toBe('ready');
    const res = await fetch(`${platform.ready.url}/health`);
    expect(res.status).toBe(200);
    expect(await res.json()).toEqual({ status: 'ok' });
  });

  it('processed the demo uploads of both demo administrations before saying ready', async () => {
    for (const admin of ['XAA', 'XBB']) {
      const r: string[] = [];
      const code = await main(['query', 'declarations.count', '--admin', admin, '--store', store], {
        out: (s) => r.push(s),
        log: () => undefined,
      });
      expect(code).toBe(0);
      expect(JSON.parse(r.at(-1)!)).toEqual([{ count: 400 }]);
    }
  });

  it('turns a file dropped into uploads/ (name with a space and a plus) into an ingested dataset', async () => {
    const dir = join(store, 'uploads', 'XAA', 'declarations');
    await mkdir(dir, { recursive: true });
    const csv = [
      'sgd.id,sgd.date,importer.id,declarant.id,country,office.id,tariff.code,quantity,gross.weight,fob.value,cif.value,total.taxes,illicit,revenue',
      'SGDX1,13-06-01,IMP1,DEC1,CNTRY1,OFFICE1,8703231990,1,100,900,1000,200,0,0',
      'SGDX2,13-06-02,IMP2,DEC1,CNTRY1,OFFICE1,8703231990,1,100,-5,1000,200,0,0',
    ].join('\n');
    await writeFile(join(dir, 'june fix+1.csv'), csv);
    const manifestDir = join(store, 'manifests', 'XAA', 'declarations');
    const before = (await readdir(manifestDir)).length;
    let manifests: string[] = [];
    for (let i = 0; i < 100 && manifests.length <= before; i++) {
      await sleep(200);
      manifests = await readdir(join(store, 'manifests', 'XAA', 'declarations')).catch(() => []);
    }
    expect(manifests.length).toBe(before + 1);
    const docs = await Promise.all(
      manifests.map(async (m) =>
        JSON.parse(await readFile(join(store, 'manifests', 'XAA', 'declarations', m), 'utf8')),
      ),
    );
    // The bad row (negative FOB value) is quarantined, never dropped.
    expect(docs.find((d) => d.rowsIn === 2)).toMatchObject({ rowsAccepted: 1, rowsRejected: 1 });
  });

  it('seeds trade statistics and a tariff so the mirror and gap dashboards have data', async () => {
    const issuer = await LocalTokenIssuer.open(store);
    const token = await issuer.mint({ role: 'official', administration: 'XAA' });
    const res = await fetch(`${platform.ready.url}/v1/mirror?limit=1`, {
      headers: { authorization: `Bearer ${token}` },
    });
    expect(res.status).toBe(200);
    const body = await res.json();
    expect(body.summary.pairs).toBeGreaterThan(100);
    expect(body.summary.potentialDutyLoss).toBeGreaterThan(0);
  });

  it('answers API calls authenticated by the local issuer and refuses forged ones', async () => {
    const issuer = await LocalTokenIssuer.open(store);
    const token = await issuer.mint({ role: 'official', administration: 'XAA' });
    const ok = await fetch(`${platform.ready.url}/v1/openapi.json`, {
      headers: { authorization: `Bearer ${token}` },
    });
    expect(ok.status).toBe(200);
    const forged = await fetch(`${platform.ready.url}/v1/results`, {
      headers: { authorization: `Bearer ${token}x` },
    });
    expect(forged.status).toBe(401);
  });

  it('reports a port in use as one clear error', async () => {
    const blocker = createServer();
    await new Promise<void>((r) => blocker.listen(0, '127.0.0.1', () => r()));
    const port = (blocker.address() as { port: number }).port;
    const log: string[] = [];
    const code = await main(['start', '--port', String(port), '--store', store], {
      out: () => undefined,
      log: (s) => log.push(s),
    });
    blocker.close();
    expect(code).toBe(1);
    expect(log.join('\n')).toContain(`port ${port} is already in use`);
  });
});
