import type { Role } from '../identity/principal.ts';

export interface NewUser {
  username: string;
  email: string;
  name: string;
  role: Exclude<Role, 'member-system'>;
  /** Required for officials; null for analysts and WCO staff. */
  administration: string | null;
}

export interface CreatedUser {
  username: string;
  /**
   * A one-time password to hand to the user. Cognito e-mails its own invitation, so the cloud adapter returns
   * null; the local store returns one because there is no mail on one machine.
   */
  temporaryPassword: string | null;
}

/** Where approved access requests become accounts: Cognito in the cloud, the local user store on one machine. */
export interface UserDirectory {
  createUser(user: NewUser): Promise<CreatedUser>;
}

export class UserExistsError extends Error {
  constructor(username: string) {
    super(`user ${username} already exists`);
    this.name = 'UserExistsError';
  }
}
