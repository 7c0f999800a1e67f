import { readFile, stat } from 'node:fs/promises';
import { basename } from 'node:path';
import { DEFAULT_STORE_DIR } from '../../local/store-folder.ts';
import { DuckDbBulkLoader } from '../../shared/adapters/duckdb-bulk-loader.ts';
import { FsObjectStore } from '../../shared/adapters/fs-object-store.ts';
import { DATASETS, isDatasetName } from '../../shared/ingest/datasets.ts';
import { assertAdmin, IngestInputError, ingestUpload } from '../../shared/ingest/ingest.ts';
import { type ColumnMapping, LayoutError, validateMapping } from '../../shared/ingest/layout.ts';
import { LocalKeyStore } from '../../shared/ingest/local-key-store.ts';
import { fileBytes } from '../../shared/ingest/source.ts';
import { type Command, requireString, stringOpt, UsageError, UserError } from '../command.ts';

export const ingestCommand: Command = {
  name: 'ingest',
  summary: 'Validate, pseudonymise and store an upload as partitioned Parquet; prints the manifest',
  usage: '<file> --admin ADMIN [--dataset declarations] [--format auto] [--mapping FILE.json] [--store DIR]',
  options: {
    admin: { type: 'string' },
    dataset: { type: 'string' },
    format: { type: 'string' },
    mapping: { type: 'string' },
    store: { type: 'string' },
  },
  allowPositionals: true,
  async run({ values, positionals, out, log }) {
    if (positionals.length !== 1) throw new UsageError('give exactly one file to ingest');
    const file = positionals[0];
    const admin = requireString(values, 'admin');
    const dataset = stringOpt(values, 'dataset') ?? 'declarations';
    if (!isDatasetName(dataset))
      throw new UsageError(`--dataset must be one of ${Object.keys(DATASETS).join(', ')}`);
    try {
      assertAdmin(admin);
    } catch (err) {
      throw new UsageError((err as Error).message);
    }
    try {
      const s = await stat(file);
      if (!s.isFile()) throw new Error('not a file');
    } catch {
      throw new UserError(`cannot read ${file}`);
    }
    const mappings: ColumnMapping[] = [];
    const mappingFile = stringOpt(values, 'mapping');
    if (mappingFile) {
      try {
        mappings.push(
          await validateMapping(JSON.parse(await readFile(mappingFile, 'utf8')), DATASETS[dataset].fields),
        );
      } catch (err) {
        throw new UserError(`${mappingFile}: ${(err as Error).message}`);
      }
    }
    const root = stringOpt(values, 'store') ?? DEFAULT_STORE_DIR;
    const store = new FsObjectStore(root);
    try {
      const manifest = await ingestUpload(
        { store, keys: new LocalKeyStore(root), log, bulk: new DuckDbBulkLoader() },
        {
          admin,
          dataset,
          fileName: basename(file),
          open: async () => fileBytes(file),
          localPath: file,
          format: stringOpt(values, 'format') ?? 'auto',
          mappings,
        },
      );
      out(JSON.stringify(manifest, null, 2));
      return manifest.status === 'unreadable' ? 1 : 0;
    } catch (err) {
      if (err instanceof IngestInputError || err instanceof LayoutError) throw new UserError(err.message);
      throw err;
    }
  },
};
