import { existsSync } from 'node:fs';
import { join } from 'node:path';
import { fileURLToPath } from 'node:url';

/** Repository root, independent of the directory cdk was started from. */
export const REPO_ROOT = fileURLToPath(new URL('..', import.meta.url));

export const repoPath = (relative: string) => join(REPO_ROOT, relative);
export const repoFileExists = (relative: string) => existsSync(repoPath(relative));
