import { createHash } from 'node:crypto';
import { type FSWatcher, watch } from 'node:fs';
import { mkdir, readFile, stat, writeFile } from 'node:fs/promises';
import { dirname, join, sep } from 'node:path';
import { setTimeout as sleep } from 'node:timers/promises';
import type { S3Event } from 'aws-lambda';
import type { ObjectStore } from '../shared/ports/object-store.ts';
import { s3ObjectCreatedEvent } from './s3-event.ts';

export const LOCAL_BUCKET = 'bacuda-local-store';

export interface UploadWatcherOptions {
  store: ObjectStore;
  root: string;
  /** The handler S3 notifications reach in the cloud. */
  onObjectCreated: (event: S3Event) => Promise<unknown>;
  log: (line: string) => void;
  /** Wait this long for a file's size to stop changing before handing it over. */
  settleMs?: number;
}

/**
 * Turns files appearing under <store>/uploads/ into S3 ObjectCreated events, one at a time and in arrival
 * order, the way S3 notifications reach the ingest Lambda. A ledger remembers what was handed over, so a
 * restart does not replay old uploads, while a file changed in place is handed over again.
 */
export class UploadWatcher {
  private readonly opts: Required<UploadWatcherOptions>;
  private watcher?: FSWatcher;
  private readonly pending = new Set<string>();
  private queue: Promise<void> = Promise.resolve();
  private ledger: Record<string, string> = {};
  private readonly ledgerPath: string;
  private stopped = false;

  constructor(options: UploadWatcherOptions) {
    this.opts = { settleMs: 300, ...options };
    this.ledgerPath = join(options.root, 'local', 'dispatched-uploads.json');
  }

  async start(): Promise<void> {
    await mkdir(join(this.opts.root, 'uploads'), { recursive: true });
    try {
      this.ledger = JSON.parse(await readFile(this.ledgerPath, 'utf8'));
    } catch {
      this.ledger = {};
    }
    this.watcher = watch(join(this.opts.root, 'uploads'), { recursive: true }, (_type, name) => {
      if (name) this.schedule(`uploads/${String(name).split(sep).join('/')}`);
    });
    // Files that arrived while the platform was down.
    for (const key of await this.opts.store.list('uploads/')) this.schedule(key);
  }

  /** Resolves once every upload seen so far has been handled. */
  async idle(): Promise<void> {
    for (;;) {
      const q = this.queue;
      await q;
      await sleep(this.opts.settleMs + 50);
      if (q === this.queue && this.pending.size === 0) return;
    }
  }

  async stop(): Promise<void> {
    this.stopped = true;
    this.watcher?.close();
    await this.queue;
  }

  private schedule(key: string): void {
    if (this.stopped || key.includes('.tmp-') || key.endsWith('/') || this.pending.has(key)) return;
    this.pending.add(key);
    this.queue = this.queue
      .then(() => this.handOver(key))
      .catch((err) => {
        this.opts.log(`upload ${key}: ${(err as Error).message}`);
      });
  }

  private async handOver(key: string): Promise<void> {
    try {
      const path = join(this.opts.root, ...key.split('/'));
      const size = await this.settledSize(path);
      if (size === undefined) return;
      const s = await stat(path);
      const fingerprint = `${s.size}:${s.mtimeMs}`;
      if (this.ledger[key] === fingerprint) return;
      const eTag = createHash('md5').update(fingerprint).update(key).digest('hex');
      this.opts.log(`upload ${key} (${size} bytes) → ingest`);
      await this.opts.onObjectCreated(s3ObjectCreatedEvent(LOCAL_BUCKET, key, size, eTag));
      this.ledger[key] = fingerprint;
      await mkdir(dirname(this.ledgerPath), { recursive: true });
      await writeFile(this.ledgerPath, JSON.stringify(this.ledger, null, 1));
    } finally {
      this.pending.delete(key);
    }
  }

  /** The file's size once it has stopped growing, or undefined if it vanished or is not a file. */
  private async settledSize(path: string): Promise<number | undefined> {
    let last = -1;
    for (;;) {
      let size: number;
      try {
        const s = await stat(path);
        if (!s.isFile()) return undefined;
        size = s.size;
      } catch {
        return undefined;
      }
      if (size === last) return size;
      last = size;
      await sleep(this.opts.settleMs);
    }
  }
}
