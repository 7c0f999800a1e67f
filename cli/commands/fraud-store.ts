import { createHash } from 'node:crypto';
import { createReadStream } from 'node:fs';
import { DEFAULT_STORE_DIR, openStoreFolder, StoreFolderError } from '../../local/store-folder.ts';
import { FsObjectStore } from '../../shared/adapters/fs-object-store.ts';
import { assertAdminCode } from '../../shared/fraud/model-store.ts';
import { type ParsedValues, requireString, stringOpt, UsageError, UserError } from '../command.ts';

/** The local store the fraud commands read and write (--store, default .bacuda). */
export async function openFraudStore(values: ParsedValues): Promise<FsObjectStore> {
  try {
    const { root } = await openStoreFolder(stringOpt(values, 'store') ?? DEFAULT_STORE_DIR);
    return new FsObjectStore(root);
  } catch (err) {
    if (err instanceof StoreFolderError) throw new UserError(err.message);
    throw err;
  }
}

export function adminOpt(values: ParsedValues): string {
  const admin = requireString(values, 'admin');
  try {
    assertAdminCode(admin);
  } catch (err) {
    throw new UsageError((err as Error).message);
  }
  return admin;
}

/** sha256 of a file: the training-data id of a file given on the command line. */
export async function fileSha256(path: string): Promise<string> {
  const h = createHash('sha256');
  for await (const chunk of createReadStream(path)) h.update(chunk as Buffer);
  return h.digest('hex');
}
