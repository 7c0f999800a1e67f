import { randomBytes, scrypt as scryptCb, timingSafeEqual } from 'node:crypto';
import { promisify } from 'node:util';
import type { ObjectStore } from '../ports/object-store.ts';
import { keySegment, readJson, writeJson } from './json-store.ts';
import { type CreatedUser, type NewUser, type UserDirectory, UserExistsError } from './user-directory.ts';

const scrypt = promisify(scryptCb) as (password: string, salt: Buffer, keylen: number) => Promise<Buffer>;

export interface LocalUser extends NewUser {
  createdAt: string;
  /** scrypt(password, salt) — node:crypto's memory-hard KDF, so a copied store does not reveal passwords. */
  passwordHash: string;
  salt: string;
}

const userKey = (username: string) => `access/users/${keySegment(username.toLowerCase())}.json`;

/**
 * The local stand-in for the Cognito user pool: accounts in the store folder, used by the local login
 * endpoint. Never deployed to the cloud.
 */
export class LocalUserStore implements UserDirectory {
  private readonly store: ObjectStore;
  private readonly now: () => Date;

  constructor(store: ObjectStore, now: () => Date = () => new Date()) {
    this.store = store;
    this.now = now;
  }

  async createUser(user: NewUser, password?: string): Promise<CreatedUser> {
    if (await this.store.exists(userKey(user.username))) throw new UserExistsError(user.username);
    const temporaryPassword = password ?? randomBytes(12).toString('base64url');
    await this.save(user, temporaryPassword);
    return { username: user.username, temporaryPassword };
  }

  /** Creates or resets a user with a known password (demo users). */
  async upsert(user: NewUser, password: string): Promise<void> {
    await this.save(user, password);
  }

  private async save(user: NewUser, password: string): Promise<void> {
    const salt = randomBytes(16);
    const hash = await scrypt(password, salt, 32);
    const doc: LocalUser = {
      ...user,
      createdAt: this.now().toISOString(),
      passwordHash: hash.toString('base64'),
      salt: salt.toString('base64'),
    };
    await writeJson(this.store, userKey(user.username), doc);
  }

  async get(username: string): Promise<LocalUser | undefined> {
    return readJson<LocalUser>(this.store, userKey(username));
  }

  /** The user if the password matches; compares in constant time. */
  async verify(username: string, password: string): Promise<LocalUser | undefined> {
    const user = await this.get(username);
    // Hash anyway when the user is unknown, so timing does not reveal which usernames exist.
    const salt = user ? Buffer.from(user.salt, 'base64') : randomBytes(16);
    const hash = await scrypt(password, salt, 32);
    if (!user) return undefined;
    const expected = Buffer.from(user.passwordHash, 'base64');
    return expected.length === hash.length && timingSafeEqual(expected, hash) ? user : undefined;
  }
}

/** Demo accounts `bacuda start` creates and prints: one official per demo administration, an analyst, an admin. */
export function demoUsers(administrations: readonly string[]): { user: NewUser; password: string }[] {
  return [
    ...administrations.map((a) => ({
      user: {
        username: `official-${a.toLowerCase()}`,
        email: `official-${a.toLowerCase()}@example.org`,
        name: `Official of ${a}`,
        role: 'official' as const,
        administration: a,
      },
      password: `demo-${a.toLowerCase()}`,
    })),
    {
      user: {
        username: 'analyst',
        email: 'analyst@example.org',
        name: 'BACUDA analyst',
        role: 'analyst',
        administration: null,
      },
      password: 'demo-analyst',
    },
    {
      user: {
        username: 'admin',
        email: 'admin@example.org',
        name: 'WCO administrator',
        role: 'wco-admin',
        administration: null,
      },
      password: 'demo-admin',
    },
  ];
}
