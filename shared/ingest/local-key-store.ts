import { randomBytes } from 'node:crypto';
import { chmod, mkdir, readFile, writeFile } from 'node:fs/promises';
import { join, resolve } from 'node:path';
import type { PseudonymKeyStore } from './pseudonymise.ts';

const ADMIN_RE = /^[A-Za-z0-9_-]{2,32}$/;

/**
 * Local-mode keys: `<root>/secrets/<ADMIN>.key`, 32 random bytes in hex, created on first use with
 * mode 0600 in a 0700 folder. The secrets folder sits beside the lake, never under curated/.
 */
export class LocalKeyStore implements PseudonymKeyStore {
  private readonly dir: string;
  private readonly cache = new Map<string, Promise<Uint8Array>>();

  constructor(root: string) {
    this.dir = join(resolve(root), 'secrets');
  }

  keyFor(admin: string): Promise<Uint8Array> {
    if (!ADMIN_RE.test(admin)) return Promise.reject(new Error(`invalid administration code "${admin}"`));
    let key = this.cache.get(admin);
    if (!key) {
      key = this.load(admin);
      this.cache.set(admin, key);
      key.catch(() => this.cache.delete(admin));
    }
    return key;
  }

  private async load(admin: string): Promise<Uint8Array> {
    const path = join(this.dir, `${admin}.key`);
    await mkdir(this.dir, { recursive: true, mode: 0o700 });
    try {
      // 'wx' fails if the file exists, so two processes racing on first use keep one key.
      await writeFile(path, `${randomBytes(32).toString('hex')}\n`, { flag: 'wx', mode: 0o600 });
      await chmod(path, 0o600); // in case the umask widened it
    } catch (err) {
      if ((err as NodeJS.ErrnoException).code !== 'EEXIST') throw err;
    }
    const hex = (await readFile(path, 'utf8')).trim();
    if (!/^[0-9a-f]{64,}$/i.test(hex))
      throw new Error(`${path} does not hold a hex key of at least 32 bytes`);
    return Buffer.from(hex, 'hex');
  }
}
