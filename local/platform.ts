import type { Server } from 'node:http';
import { join, resolve } from 'node:path';
import type { S3Event } from 'aws-lambda';
import { makeApiHandler } from '../functions/api/handler.ts';
import { LocalUserStore } from '../shared/access/local-user-store.ts';
import { DuckDbQueryEngine, type LakeTable } from '../shared/adapters/duckdb-query-engine.ts';
import { FsObjectStore } from '../shared/adapters/fs-object-store.ts';
import { TokenBucketRateLimiter } from '../shared/http/rate-limiter.ts';
import { DEMO_ADMINISTRATIONS } from './demo-seed.ts';
import { createLocalHttpServer, listen } from './http-server.ts';
import { ensureDemoUsers, makeLocalLogin } from './local-login.ts';
import { LocalTokenIssuer } from './token-issuer.ts';
import { UploadWatcher } from './upload-watcher.ts';

export interface LocalPlatformOptions {
  root: string;
  port: number;
  log: (line: string) => void;
  /** Lake tables DuckDB exposes (Glue tables in the cloud). */
  lakeTables: (root: string) => Record<string, LakeTable>;
  /** Create (or reset) the demo portal accounts; default true. */
  demoUsers?: boolean;
  /** Per-caller API throttle; default 50 requests/s with bursts of 100 (benchmarks raise it). */
  rateLimit?: { perSecond: number; burst: number };
  /** Builds the handler S3 upload notifications reach (the ingest Lambda in the cloud). */
  makeUploadHandler: (deps: {
    store: FsObjectStore;
    root: string;
    log: (line: string) => void;
  }) => (event: S3Event) => Promise<unknown>;
}

export interface LocalPlatform {
  url: string;
  port: number;
  store: FsObjectStore;
  query: DuckDbQueryEngine;
  issuer: LocalTokenIssuer;
  /** The local stand-in for the Cognito user pool, behind POST /local/login. */
  users: LocalUserStore;
  /** Demo accounts and their passwords, for `bacuda start` to print; empty with demoUsers: false. */
  demoUsers: { username: string; password: string; role: string; administration: string | null }[];
  watcher: UploadWatcher;
  server: Server;
  stop(): Promise<void>;
}

const REPO_ROOT = resolve(import.meta.dirname, '..');

/**
 * Everything `bacuda start` runs, wired from the same handlers the cloud deploys: a folder for S3,
 * DuckDB for Athena, the local issuer for Cognito, and a file watcher for S3 notifications.
 */
export async function startLocalPlatform(options: LocalPlatformOptions): Promise<LocalPlatform> {
  const store = new FsObjectStore(options.root);
  const query = new DuckDbQueryEngine(options.lakeTables(options.root));
  const issuer = await LocalTokenIssuer.open(options.root);
  const limiter = new TokenBucketRateLimiter(
    options.rateLimit?.perSecond ?? 50,
    options.rateLimit?.burst ?? 100,
  );
  const users = new LocalUserStore(store);
  const demoUsers = options.demoUsers === false ? [] : await ensureDemoUsers(users, DEMO_ADMINISTRATIONS);
  const api = makeApiHandler(
    { store, query, now: () => new Date(), mode: 'local', users },
    { verifyToken: issuer.verifier(), rateLimit: (key) => limiter.take(key) },
  );
  const server = createLocalHttpServer({
    api: (event) => api(event, {} as never),
    staticRoots: {
      '/portal/': join(REPO_ROOT, 'portal'),
      '/vendor/vega/': join(REPO_ROOT, 'node_modules', 'vega', 'build'),
      '/vendor/vega-lite/': join(REPO_ROOT, 'node_modules', 'vega-lite', 'build'),
      '/vendor/vega-embed/': join(REPO_ROOT, 'node_modules', 'vega-embed', 'build'),
    },
    localEndpoints: {
      '/.well-known/jwks.json': async () => ({ status: 200, body: issuer.jwks() }),
      '/local/login': makeLocalLogin(users, issuer),
    },
  });
  const port = await listen(server, options.port);
  const watcher = new UploadWatcher({
    store,
    root: options.root,
    onObjectCreated: options.makeUploadHandler({ store, root: options.root, log: options.log }),
    log: options.log,
  });
  await watcher.start();
  return {
    url: `http://127.0.0.1:${port}`,
    port,
    store,
    query,
    issuer,
    users,
    demoUsers,
    watcher,
    server,
    async stop() {
      await watcher.stop();
      const closed = new Promise<void>((r) => server.close(() => r()));
      server.closeAllConnections();
      await closed;
      await query.close();
    },
  };
}
