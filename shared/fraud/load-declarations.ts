import { type Declaration, readDeclarationsFile, UnreadableFileError } from '../declarations/index.ts';

/** A declarations file the fraud commands cannot use; the message is meant for the user as is. */
export class DeclarationInputError extends Error {}

export interface LoadedDeclarations {
  declarations: Declaration[];
  /** Rows dropped because of invalid values (only with skipInvalid). */
  skipped: number;
  /** Per file: path, rows read. */
  files: { path: string; rows: number }[];
}

/**
 * Reads declaration files in any layout the ingest readers recognise (KCS, WCO BACUDA synthetic, WCO
 * raw, ...). Rows with invalid values (NaN, negative amounts, bad dates or codes) stop the load with a
 * message naming the first few, unless skipInvalid drops them. Empty and unrecognised files are errors.
 */
export async function loadDeclarationFiles(
  paths: readonly string[],
  options: { skipInvalid?: boolean; log?: (line: string) => void } = {},
): Promise<LoadedDeclarations> {
  const declarations: Declaration[] = [];
  const files: LoadedDeclarations['files'] = [];
  let skipped = 0;
  for (const path of paths) {
    let rows = 0;
    let invalid = 0;
    const examples: string[] = [];
    try {
      for await (const row of readDeclarationsFile(path)) {
        rows++;
        if (row.errors.length) {
          invalid++;
          if (examples.length < 3)
            examples.push(
              `line ${row.line}: ${row.errors.map((e) => `${e.column ?? e.field} ${e.message}`).join('; ')}`,
            );
          continue;
        }
        declarations.push(row.declaration);
      }
    } catch (err) {
      if (
        err instanceof UnreadableFileError ||
        (err as NodeJS.ErrnoException).code === 'ENOENT' ||
        (err as NodeJS.ErrnoException).code === 'EISDIR'
      )
        throw new DeclarationInputError(`${path}: ${(err as Error).message}`);
      throw err;
    }
    if (rows === 0) throw new DeclarationInputError(`${path}: the file has a header but no declarations`);
    if (invalid > 0) {
      const detail = `${invalid} of ${rows} rows have invalid values (${examples.join(' | ')})`;
      if (!options.skipInvalid)
        throw new DeclarationInputError(`${path}: ${detail}; fix them or pass --skip-invalid`);
      options.log?.(`${path}: skipping ${detail}`);
      skipped += invalid;
    }
    files.push({ path, rows: rows - invalid });
  }
  return { declarations, skipped, files };
}
