import { createHash, randomBytes } from 'node:crypto';
import { once } from 'node:events';
import { createWriteStream } from 'node:fs';
import { mkdtemp, rm } from 'node:fs/promises';
import { tmpdir } from 'node:os';
import { join } from 'node:path';
import { PassThrough } from 'node:stream';
import { pipeline } from 'node:stream/promises';
import type { ObjectStore } from '../ports/object-store.ts';
import type { BulkLoader, BulkLoadResult } from './bulk.ts';
import {
  DATASETS,
  type DatasetDef,
  type DatasetName,
  isDatasetName,
  partitioner,
  partitionPrefix,
} from './datasets.ts';
import { type ColumnMapping, describeErrors, LayoutError, validateMapping } from './layout.ts';
import {
  type Manifest,
  manifestKey,
  manifestPrefix,
  orderedManifest,
  pointerKey,
  quarantinePrefix,
} from './manifest.ts';
import {
  ColumnBuffer,
  columnSpecs,
  encodeParquet,
  InlineParquetEncoder,
  type ParquetEncoder,
} from './parquet.ts';
import { Pseudonymiser, type PseudonymKeyStore } from './pseudonymise.ts';
import { type ReadInfo, readRows, UnreadableFileError } from './read.ts';
import { type ByteSource, ByteTap, fileBytes } from './source.ts';

export interface IngestDeps {
  store: ObjectStore;
  keys: PseudonymKeyStore;
  now?: () => Date;
  log?: (line: string) => void;
  /**
   * Rows per Parquet file (default 50k). Peak RSS for a 1M-row upload was ~400 MB at 50k and ~490 MB at
   * 100k: hyparquet-writer allocates a small buffer per string value while encoding, freed only by GC.
   */
  partRows?: number;
  /** Rows held in memory across all open partitions before the largest is flushed (default 50k). */
  maxBufferedRows?: number;
  /** Parquet encoding (inline hyparquet-writer by default). */
  encoder?: ParquetEncoder;
  /**
   * A native engine for well-formed uploads (DuckDB locally): the upload, read in place when the request
   * gives a localPath and otherwise copied to a temporary file, is offered to it first; when it declines,
   * the same file goes through the streaming JS path.
   */
  bulk?: BulkLoader;
  /** Parent folder for the bulk path's temporary files (default: the OS temp folder). */
  tmpDir?: string;
}

export interface IngestRequest {
  admin: string;
  dataset: DatasetName | string;
  /** The uploaded file's name: a later upload with the same name replaces this one's rows. */
  fileName: string;
  /** Opens the upload's bytes; called again only to copy an unreadable file into quarantine. */
  open: () => Promise<ByteSource>;
  /** The upload as a local file, when it is one: the bulk engine then reads it in place. */
  localPath?: string;
  /** "auto" (default) or a layout name. */
  format?: string;
  /** The upload's object key and version, for idempotent handling of repeated notifications. */
  sourceKey?: string;
  versionId?: string;
  /** Extra layouts besides the built-in and registered ones (e.g. from a CLI flag). */
  mappings?: ColumnMapping[];
}

export class IngestInputError extends Error {
  constructor(message: string) {
    super(message);
    this.name = 'IngestInputError';
  }
}

const ADMIN_RE = /^[A-Z0-9][A-Z0-9_-]{1,31}$/;

export function assertAdmin(admin: string): void {
  if (!ADMIN_RE.test(admin))
    throw new IngestInputError(`invalid administration code "${admin}" (upper-case letters, digits, - or _)`);
}

function sha256Hex(s: string): string {
  return createHash('sha256').update(s).digest('hex');
}

function compactTimestamp(d: Date): string {
  return d
    .toISOString()
    .replace(/[-:]/g, '')
    .replace(/\.\d+Z$/, 'Z');
}

/** Registered column mappings: config/<ADMIN>/<dataset>/mappings/*.json in the store. */
export async function loadRegisteredMappings(
  store: ObjectStore,
  admin: string,
  dataset: DatasetDef,
  warnings: string[],
): Promise<ColumnMapping[]> {
  const keys = (await store.list(`config/${admin}/${dataset.name}/mappings/`)).filter((k) =>
    k.endsWith('.json'),
  );
  const out: ColumnMapping[] = [];
  for (const key of keys) {
    try {
      out.push(await validateMapping(JSON.parse(await store.getText(key)), dataset.fields));
    } catch (err) {
      warnings.push(`ignored column mapping ${key}: ${(err as Error).message}`);
    }
  }
  return out;
}

/** JSON Lines written straight to the store as they come, so quarantine never sits in memory. */
class QuarantineWriter {
  rows = 0;
  private stream?: PassThrough;
  private done?: Promise<void>;
  private readonly store: ObjectStore;
  readonly key: string;
  constructor(store: ObjectStore, key: string) {
    this.store = store;
    this.key = key;
  }
  async write(record: unknown): Promise<void> {
    if (!this.stream) {
      this.stream = new PassThrough();
      this.done = this.store.putStream(this.key, this.stream, { contentType: 'application/x-ndjson' });
      this.done.catch(() => undefined);
    }
    this.rows++;
    if (!this.stream.write(`${JSON.stringify(record)}\n`))
      await Promise.race([once(this.stream, 'drain'), this.done]);
  }
  async close(): Promise<void> {
    if (!this.stream) return;
    this.stream.end();
    await this.done;
  }
  async discard(): Promise<void> {
    if (this.stream) {
      this.stream.end();
      await this.done?.catch(() => undefined);
      await this.store.delete(this.key).catch(() => undefined);
    }
  }
}

interface Pointer {
  uploadId: string;
}

async function readJson<T>(store: ObjectStore, key: string): Promise<T | undefined> {
  if (!(await store.exists(key))) return undefined;
  return JSON.parse(await store.getText(key)) as T;
}

async function putManifest(store: ObjectStore, m: Manifest): Promise<Manifest> {
  const ordered = orderedManifest(m);
  await putJson(store, manifestKey(m.administration, m.dataset, m.uploadId), ordered);
  return ordered;
}

async function putJson(store: ObjectStore, key: string, value: unknown): Promise<void> {
  await store.put(key, `${JSON.stringify(value, null, 2)}\n`, { contentType: 'application/json' });
}

/**
 * Turns one uploaded file into validated, pseudonymised, partitioned Parquet under curated/, rejected
 * rows into quarantine/, and writes the manifest. Streams the file once: memory is bounded by
 * maxBufferedRows whatever the file size.
 */
export async function ingestUpload(deps: IngestDeps, req: IngestRequest): Promise<Manifest> {
  const { store } = deps;
  const now = deps.now ?? (() => new Date());
  const log = deps.log ?? (() => undefined);
  let partRows = deps.partRows ?? 50_000;
  let maxBuffered = deps.maxBufferedRows ?? 50_000;
  const encoder = deps.encoder ?? new InlineParquetEncoder();
  assertAdmin(req.admin);
  if (!isDatasetName(req.dataset))
    throw new IngestInputError(
      `unknown dataset "${req.dataset}"; known: ${Object.keys(DATASETS).join(', ')}`,
    );
  const dataset = DATASETS[req.dataset];
  const admin = req.admin;

  // A repeated notification for the same object version returns what the first one produced.
  const objectPointer =
    req.sourceKey !== undefined
      ? pointerKey(admin, dataset.name, 'object', sha256Hex(`${req.sourceKey}\0${req.versionId ?? ''}`))
      : undefined;
  if (objectPointer) {
    const seen = await readJson<Pointer>(store, objectPointer);
    if (seen) {
      const earlier = await readJson<Manifest>(store, manifestKey(admin, dataset.name, seen.uploadId));
      if (earlier) {
        log(`${req.sourceKey} (version ${req.versionId ?? '-'}) was already ingested as ${seen.uploadId}`);
        return earlier;
      }
    }
  }

  const started = now();
  const uploadId = `${compactTimestamp(started)}-${randomBytes(4).toString('hex')}`;
  const sourceId = `s${sha256Hex(`${admin}/${dataset.name}/${req.fileName}`).slice(0, 16)}`;
  const warnings: string[] = [];
  const mappings = [
    ...(await loadRegisteredMappings(store, admin, dataset, warnings)),
    ...(req.mappings ?? []),
  ];
  const pseudonymiser = new Pseudonymiser(await deps.keys.keyFor(admin));
  const fieldNames = dataset.fields.map((f) => f.name);
  const partitionOf = partitioner(dataset);
  const identifierAt = dataset.fields.flatMap((f, i) => (f.kind === 'identifier' ? [i] : []));
  const qPrefix = quarantinePrefix(admin, dataset.name, uploadId);
  const quarantine = new QuarantineWriter(store, `${qPrefix}rejected-rows.jsonl`);

  const files: Manifest['files'] = [];
  const buffers = new Map<string, { year: number; month: number; buffer: ColumnBuffer }>();
  let buffered = 0;
  let partSeq = 0;
  // At most one file is being encoded and written while the next one fills: bounded memory, and with a
  // worker encoder the two overlap.
  let inFlight: Promise<void> = Promise.resolve();
  const flush = async (slot: { year: number; month: number; buffer: ColumnBuffer }) => {
    const rows = slot.buffer.length;
    if (rows === 0) return;
    const key = `${partitionPrefix(dataset.name, admin, slot.year, slot.month)}${sourceId}.${uploadId}.${String(partSeq++).padStart(4, '0')}.parquet`;
    const { specs, columns } = slot.buffer.take();
    buffered -= rows;
    await inFlight;
    const file = { key, rows, year: slot.year, month: slot.month };
    inFlight = encoder
      .encode(specs, columns, {
        'bacuda.uploadId': uploadId,
        'bacuda.schemaVersion': String(dataset.schemaVersion),
      })
      .then((bytes) => store.put(key, bytes, { contentType: 'application/vnd.apache.parquet' }))
      .then(() => {
        files.push(file);
      });
    // Surface a failure at the next await rather than as an unhandled rejection.
    inFlight.catch(() => undefined);
  };

  // Written while the rows are read (it needs the Parquet encoder's import, which the bulk path skips).
  const anchored = ensureSchemaAnchor(store, dataset, admin);
  anchored.catch(() => undefined);
  const tap = new ByteTap();
  const info: ReadInfo = {};
  const rejectedByField: Record<string, number> = {};
  let rowsIn = 0;
  let rowsAccepted = 0;
  const cleanup = async () => {
    await quarantine.discard();
    for (const f of files) await store.delete(f.key);
  };

  let readInfo: ReadInfo = {};
  const layouts = [...dataset.layouts, ...mappings];
  let bulkLoaded = false;
  const work = deps.bulk ? await mkdtemp(join(deps.tmpDir ?? tmpdir(), 'bacuda-ingest-')) : undefined;
  try {
    // Opened only if the rows stream through JS (a read stream holds its file open until read).
    let openSource: () => Promise<ByteSource>;
    if (work && deps.bulk) {
      // The bytes are hashed while DuckDB reads them (it runs on its own threads).
      let local = req.localPath;
      let hashed: Promise<void>;
      if (local) {
        hashed = (async () => {
          for await (const _ of tap.wrap(await req.open()));
        })();
        hashed.catch(() => undefined);
      } else {
        local = join(work, 'upload');
        await pipeline(tap.wrap(await req.open()), createWriteStream(local));
        hashed = Promise.resolve();
      }
      const path = local;
      openSource = async () => fileBytes(path);
      const result = await tryBulk(deps.bulk, {
        path: local,
        work,
        dataset,
        layouts,
        format: req.format,
        key: await deps.keys.keyFor(admin),
        kvMetadata: { 'bacuda.uploadId': uploadId, 'bacuda.schemaVersion': String(dataset.schemaVersion) },
        log,
        info: readInfo,
      });
      await hashed;
      Object.assign(info, readInfo);
      if (result?.status === 'loaded') {
        for (const [seq, f] of result.files.entries()) {
          const key = `${partitionPrefix(dataset.name, admin, f.year, f.month)}${sourceId}.${uploadId}.${String(seq).padStart(4, '0')}.parquet`;
          await store.putFile(key, f.path, { contentType: 'application/vnd.apache.parquet' });
          files.push({ key, rows: f.rows, year: f.year, month: f.month });
        }
        rowsIn = result.rowsIn;
        rowsAccepted = rowsIn;
        bulkLoaded = true;
      } else if (result) {
        log(`${req.fileName}: streaming path (${result.reason})`);
        // DuckDB's freed memory is not all handed back to the OS: buffer fewer rows so the peak RSS of
        // a 1M-row file stays under ~512 MB (measured 503-553 MB at 50k rows after a declined load).
        partRows = Math.min(partRows, 25_000);
        maxBuffered = Math.min(maxBuffered, 25_000);
      }
    } else {
      openSource = async () => tap.wrap(await req.open());
    }
    if (!bulkLoaded) await streamRows(await openSource());
    await quarantine.close();
    await anchored;
  } catch (err) {
    await inFlight.catch(() => undefined);
    await cleanup();
    Object.assign(info, readInfo);
    if (!(err instanceof UnreadableFileError || err instanceof LayoutError)) throw err;
    return quarantineWholeFile(deps, req, {
      uploadId,
      dataset,
      started,
      rowsRead: rowsIn,
      info,
      error: (err as Error).message,
      warnings,
      objectPointer,
    });
  } finally {
    if (work) await rm(work, { recursive: true, force: true });
  }

  async function streamRows(source: ByteSource): Promise<void> {
    const reader = readRows(source, {
      fields: dataset.fields,
      layouts,
      format: req.format,
    });
    readInfo = reader.info;
    for await (const batch of reader.batches) {
      if (!info.format) Object.assign(info, readInfo);
      for (let b = 0; b < batch.length; b++) {
        const row = batch[b];
        rowsIn++;
        const values = row.values;
        for (let k = 0; k < identifierAt.length; k++) {
          const v = values[identifierAt[k]];
          if (typeof v === 'string' && v !== '') values[identifierAt[k]] = pseudonymiser.pseudonym(v);
        }
        if (row.errors.length > 0) {
          for (const e of row.errors) rejectedByField[e.field] = (rejectedByField[e.field] ?? 0) + 1;
          const named: Record<string, unknown> = {};
          for (let k = 0; k < fieldNames.length; k++) named[fieldNames[k]] = values[k];
          await quarantine.write({
            rowNumber: row.rowNumber,
            line: row.line,
            reason: describeErrors(row.errors),
            errors: row.errors,
            values: named,
          });
          continue;
        }
        const { year, month } = partitionOf(values);
        const slotKey = `${year}-${month}`;
        let slot = buffers.get(slotKey);
        if (!slot) {
          slot = { year, month, buffer: new ColumnBuffer(dataset.fields) };
          buffers.set(slotKey, slot);
        }
        slot.buffer.push(values);
        buffered++;
        rowsAccepted++;
        if (slot.buffer.length >= partRows) await flush(slot);
        else if (buffered >= maxBuffered) {
          let largest = slot;
          for (const s of buffers.values()) if (s.buffer.length > largest.buffer.length) largest = s;
          await flush(largest);
        }
      }
    }
    Object.assign(info, readInfo);
    for (const slot of buffers.values()) await flush(slot);
    await inFlight;
  }

  const sha256 = tap.sha256();
  const base = {
    uploadId,
    administration: admin,
    dataset: dataset.name,
    source: { fileName: req.fileName, key: req.sourceKey, versionId: req.versionId, bytes: tap.bytes },
    format: info.format ?? null,
    compression: info.compression ?? null,
    sha256,
    schemaVersion: dataset.schemaVersion,
    rowsIn,
    rowsAccepted: rowsIn - quarantine.rows,
    rowsRejected: quarantine.rows,
    rejectedByField,
    warnings,
    startedAt: started.toISOString(),
  };

  // The same bytes already live in the lake (and were not replaced since): keep nothing new.
  const shaPointer = pointerKey(admin, dataset.name, 'sha256', sha256);
  const sourcePointer = pointerKey(admin, dataset.name, 'source', sourceId);
  const sameBytes = await readJson<Pointer & { sourceId: string }>(store, shaPointer);
  if (sameBytes) {
    const active = await readJson<Pointer>(
      store,
      pointerKey(admin, dataset.name, 'source', sameBytes.sourceId),
    );
    if (active?.uploadId === sameBytes.uploadId) {
      await cleanup();
      const finished = now();
      const manifest: Manifest = {
        ...base,
        status: 'duplicate',
        quarantine: null,
        files: [],
        replaces: null,
        duplicateOf: sameBytes.uploadId,
        finishedAt: finished.toISOString(),
        durationMs: finished.getTime() - started.getTime(),
      };
      const written = await putManifest(store, manifest);
      if (objectPointer) await putJson(store, objectPointer, { uploadId });
      log(`${req.fileName}: same sha256 as upload ${sameBytes.uploadId}; nothing added`);
      return written;
    }
  }

  const previous = await readJson<Pointer>(store, sourcePointer);
  const finished = now();
  const manifest: Manifest = {
    ...base,
    status: 'ingested',
    quarantine: quarantine.rows > 0 ? { key: quarantine.key, rows: quarantine.rows } : null,
    files,
    replaces: previous?.uploadId ?? null,
    duplicateOf: null,
    finishedAt: finished.toISOString(),
    durationMs: finished.getTime() - started.getTime(),
  };
  if (manifest.rowsAccepted !== rowsAccepted) throw new Error('internal: accepted row count mismatch');
  const written = await putManifest(store, manifest);
  await putJson(store, sourcePointer, { uploadId });
  await putJson(store, shaPointer, { uploadId, sourceId });
  if (objectPointer) await putJson(store, objectPointer, { uploadId });

  // A corrected version of the same file: its earlier rows go.
  if (previous) {
    const oldKey = manifestKey(admin, dataset.name, previous.uploadId);
    const old = await readJson<Manifest>(store, oldKey);
    if (old) {
      for (const f of old.files) await store.delete(f.key);
      await putManifest(store, { ...old, supersededBy: uploadId });
    }
  }
  log(
    `${req.fileName}: ${manifest.rowsAccepted} accepted, ${manifest.rowsRejected} rejected (${manifest.format}) → ${files.length} file(s)`,
  );
  return written;
}

/**
 * Reads the header with the JS reader (layout detection and its errors stay in one place), then offers
 * the file to the bulk engine. Undefined when the header alone settled nothing to load.
 */
async function tryBulk(
  bulk: BulkLoader,
  o: {
    path: string;
    work: string;
    dataset: DatasetDef;
    layouts: ColumnMapping[];
    format?: string;
    key: Uint8Array;
    kvMetadata: Record<string, string>;
    log: (line: string) => void;
    /** Filled with what the header told, even when reading it fails. */
    info: ReadInfo;
  },
): Promise<BulkLoadResult | undefined> {
  // Only the header and a first small batch are read here.
  const reader = readRows(fileBytes(o.path), {
    fields: o.dataset.fields,
    layouts: o.layouts,
    format: o.format,
    csv: { batchSize: 64 },
  });
  const batches = reader.batches[Symbol.asyncIterator]();
  try {
    await batches.next();
  } finally {
    Object.assign(o.info, reader.info);
    await batches.return?.(undefined);
  }
  const info = reader.info;
  if (!info.layout || !info.compression) return undefined;
  return bulk.load({
    path: o.path,
    compression: info.compression,
    delimiter: info.delimiter ?? ',',
    layout: info.layout,
    dataset: o.dataset,
    key: o.key,
    outDir: o.work,
    kvMetadata: o.kvMetadata,
    log: o.log,
  });
}

/**
 * A zero-row Parquet file holding every column of the dataset, one per administration and schema
 * version, in a partition no real row uses (year=0000). Data files leave out all-null columns, and
 * DuckDB's union_by_name builds a view's columns from the files it finds: this file guarantees the full
 * column set, with the right types, even when no upload had (say) seller IDs. Athena takes columns
 * from Glue and never projects year 0.
 */
export function schemaAnchorKey(dataset: DatasetDef, admin: string): string {
  return `${partitionPrefix(dataset.name, admin, 0, 0).replace('year=0/', 'year=0000/')}_schema-v${dataset.schemaVersion}.parquet`;
}

async function ensureSchemaAnchor(store: ObjectStore, dataset: DatasetDef, admin: string): Promise<void> {
  const key = schemaAnchorKey(dataset, admin);
  if (await store.exists(key)) return;
  const specs = columnSpecs(dataset.fields);
  await store.put(
    key,
    await encodeParquet(
      specs,
      specs.map(() => []),
      { 'bacuda.schemaVersion': String(dataset.schemaVersion) },
    ),
    { contentType: 'application/vnd.apache.parquet' },
  );
}

async function quarantineWholeFile(
  deps: IngestDeps,
  req: IngestRequest,
  ctx: {
    uploadId: string;
    dataset: DatasetDef;
    started: Date;
    rowsRead: number;
    info: ReadInfo;
    error: string;
    warnings: string[];
    objectPointer?: string;
  },
): Promise<Manifest> {
  const { store } = deps;
  const now = deps.now ?? (() => new Date());
  const prefix = quarantinePrefix(req.admin, ctx.dataset.name, ctx.uploadId);
  const safeName = req.fileName.replace(/[^A-Za-z0-9._-]+/g, '_').replace(/^\.+/, '_') || 'upload';
  const copyKey = `${prefix}file/${safeName}`;
  const reportKey = `${prefix}error.json`;
  const tap = new ByteTap();
  const { Readable } = await import('node:stream');
  await store.putStream(copyKey, Readable.from(tap.wrap(await req.open())));
  const finished = now();
  const manifest: Manifest = {
    uploadId: ctx.uploadId,
    administration: req.admin,
    dataset: ctx.dataset.name,
    status: 'unreadable',
    source: { fileName: req.fileName, key: req.sourceKey, versionId: req.versionId, bytes: tap.bytes },
    format: ctx.info.format ?? null,
    compression: ctx.info.compression ?? null,
    sha256: tap.sha256(),
    schemaVersion: ctx.dataset.schemaVersion,
    // Rows read before the failure are rejected with the file: nothing from it reaches the lake.
    rowsIn: ctx.rowsRead,
    rowsAccepted: 0,
    rowsRejected: ctx.rowsRead,
    rejectedByField: ctx.rowsRead ? { file: ctx.rowsRead } : {},
    quarantine: { key: copyKey, rows: ctx.rowsRead, errorReport: reportKey },
    files: [],
    replaces: null,
    duplicateOf: null,
    error: ctx.error,
    warnings: ctx.warnings,
    startedAt: ctx.started.toISOString(),
    finishedAt: finished.toISOString(),
    durationMs: finished.getTime() - ctx.started.getTime(),
  };
  await putJson(store, reportKey, {
    uploadId: ctx.uploadId,
    fileName: req.fileName,
    error: ctx.error,
    header: ctx.info.header ?? null,
    knownFormats: [...ctx.dataset.layouts.map((l) => l.name)],
    hint: `register a column mapping as config/${req.admin}/${ctx.dataset.name}/mappings/<name>.json (see docs/declaration-schema.md)`,
  });
  const written = await putManifest(store, manifest);
  if (ctx.objectPointer) await putJson(store, ctx.objectPointer, { uploadId: ctx.uploadId });
  deps.log?.(`${req.fileName}: unreadable (${ctx.error}); quarantined as ${copyKey}`);
  return written;
}

/** Every manifest of one administration's dataset, oldest first. */
export async function listManifests(
  store: ObjectStore,
  admin: string,
  dataset: DatasetName,
): Promise<string[]> {
  return (await store.list(manifestPrefix(admin, dataset))).filter((k) => k.endsWith('.json'));
}
