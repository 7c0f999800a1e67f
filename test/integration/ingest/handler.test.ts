import { mkdtempSync, readFileSync } from 'node:fs';
import { tmpdir } from 'node:os';
import { join } from 'node:path';
import type { S3Event } from 'aws-lambda';
import { describe, expect, it } from 'vitest';
import {
  decodeS3Key,
  type EventBridgeObjectCreated,
  makeIngestHandler,
  uploadsOf,
} from '../../../functions/ingest/handler.ts';
import { FsObjectStore } from '../../../shared/adapters/fs-object-store.ts';
import { LocalKeyStore } from '../../../shared/ingest/local-key-store.ts';

const fixture = JSON.parse(
  readFileSync(new URL('../../../events/s3/put-key-with-space-and-plus.json', import.meta.url), 'utf8'),
) as S3Event;
const CSV =
  'sgd.id,sgd.date,importer.id,declarant.id,country,office.id,tariff.code,quantity,gross.weight,fob.value,cif.value,total.taxes,illicit,revenue\nSGD1,13-03-02,IMP1,DEC1,CNTRY680,OFFICE51,8703239000,1,1500,8000,10000,3000,0,0\n';

describe('ingest handler', () => {
  it('decodes S3 keys: "+" is a space, %2B a plus', () => {
    expect(decodeS3Key('uploads/XAA/declarations/march+2013%2Bcorrections.csv')).toBe(
      'uploads/XAA/declarations/march 2013+corrections.csv',
    );
    expect(uploadsOf(fixture)).toEqual([
      {
        key: 'uploads/XAA/declarations/march 2013+corrections.csv',
        versionId: '3HL4kqtJlcpXroDTDmJ-rmSpXd3dIbrHY',
      },
    ]);
  });

  it('ingests the uploaded object once per version, from S3 and EventBridge events alike', async () => {
    const root = mkdtempSync(join(tmpdir(), 'bacuda-handler-'));
    const store = new FsObjectStore(root);
    await store.put('uploads/XAA/declarations/march 2013+corrections.csv', CSV);
    const handler = makeIngestHandler({ store, keys: new LocalKeyStore(root), log: () => undefined });
    const first = await handler(fixture, {} as never);
    expect(first.results).toEqual([
      expect.objectContaining({ status: 'ingested', rowsIn: 1, rowsAccepted: 1, rowsRejected: 0 }),
    ]);
    const again = await handler(fixture, {} as never);
    expect(again.results[0].uploadId).toBe(first.results[0].uploadId);

    const bridge: EventBridgeObjectCreated = {
      source: 'aws.s3',
      'detail-type': 'Object Created',
      detail: {
        bucket: { name: 'b' },
        object: { key: 'uploads/XAA/declarations/march 2013+corrections.csv', 'version-id': 'v2' },
      },
    };
    const viaBridge = await handler(bridge, {} as never);
    // A new version with the same bytes: recognised as a duplicate, nothing added.
    expect(viaBridge.results[0].status).toBe('duplicate');
    expect((await store.list('manifests/XAA/declarations/')).length).toBe(2);
  });

  it('reports keys outside uploads/ and unknown datasets without retrying', async () => {
    const root = mkdtempSync(join(tmpdir(), 'bacuda-handler-'));
    const store = new FsObjectStore(root);
    await store.put('uploads/XAA/nonsense/a.csv', CSV);
    const handler = makeIngestHandler({ store, keys: new LocalKeyStore(root), log: () => undefined });
    const event = structuredClone(fixture);
    event.Records[0].s3.object.key = 'uploads/XAA/nonsense/a.csv';
    const other = structuredClone(fixture);
    other.Records[0].s3.object.key = 'elsewhere/a.csv';
    event.Records.push(other.Records[0]);
    const res = await handler(event, {} as never);
    expect(res.results.map((r) => r.status)).toEqual(['skipped', 'skipped']);
    expect(res.results[0].reason).toMatch(/unknown dataset/);
  });

  it('lets storage failures throw so Lambda retries and then dead-letters the event', async () => {
    const root = mkdtempSync(join(tmpdir(), 'bacuda-handler-'));
    const store = new FsObjectStore(root);
    const handler = makeIngestHandler({ store, keys: new LocalKeyStore(root), log: () => undefined });
    await expect(handler(fixture, {} as never)).rejects.toThrow(/not found/);
  });
});
