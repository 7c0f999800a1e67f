import { randomBytes } from 'node:crypto';
import {
  CreateSecretCommand,
  GetSecretValueCommand,
  ResourceExistsException,
  ResourceNotFoundException,
  type SecretsManagerClient,
} from '@aws-sdk/client-secrets-manager';
import type { PseudonymKeyStore } from '../ingest/pseudonymise.ts';

const ADMIN_RE = /^[A-Za-z0-9_-]{2,32}$/;

/**
 * Pseudonymisation keys in Secrets Manager: one secret per administration named `<prefix>/<ADMIN>`,
 * holding the key as hex. With createIfMissing, the first upload of a new administration creates it
 * (a concurrent creator losing the race reads the winner's key).
 */
export class SecretsManagerKeyStore implements PseudonymKeyStore {
  private readonly client: SecretsManagerClient;
  private readonly prefix: string;
  private readonly createIfMissing: boolean;
  private readonly cache = new Map<string, Promise<Uint8Array>>();

  constructor(client: SecretsManagerClient, options: { prefix: string; createIfMissing?: boolean }) {
    this.client = client;
    this.prefix = options.prefix.replace(/\/+$/, '');
    this.createIfMissing = options.createIfMissing ?? false;
  }

  keyFor(admin: string): Promise<Uint8Array> {
    if (!ADMIN_RE.test(admin)) return Promise.reject(new Error(`invalid administration code "${admin}"`));
    let key = this.cache.get(admin);
    if (!key) {
      key = this.load(`${this.prefix}/${admin}`);
      this.cache.set(admin, key);
      key.catch(() => this.cache.delete(admin));
    }
    return key;
  }

  private async read(name: string): Promise<Uint8Array | undefined> {
    try {
      const res = await this.client.send(new GetSecretValueCommand({ SecretId: name }));
      const hex = (res.SecretString ?? '').trim();
      if (!/^[0-9a-f]{64,}$/i.test(hex))
        throw new Error(`secret ${name} does not hold a hex key of ≥ 32 bytes`);
      return Buffer.from(hex, 'hex');
    } catch (err) {
      if (err instanceof ResourceNotFoundException || (err as Error).name === 'ResourceNotFoundException')
        return undefined;
      throw err;
    }
  }

  private async load(name: string): Promise<Uint8Array> {
    const existing = await this.read(name);
    if (existing) return existing;
    if (!this.createIfMissing)
      throw new Error(`pseudonymisation key ${name} does not exist in Secrets Manager`);
    try {
      await this.client.send(
        new CreateSecretCommand({
          Name: name,
          SecretString: randomBytes(32).toString('hex'),
          Description: 'bacuda pseudonymisation key (HMAC-SHA256) for one administration',
        }),
      );
    } catch (err) {
      if (!(err instanceof ResourceExistsException || (err as Error).name === 'ResourceExistsException'))
        throw err;
    }
    const created = await this.read(name);
    if (!created) throw new Error(`pseudonymisation key ${name} could not be read after creation`);
    return created;
  }
}
