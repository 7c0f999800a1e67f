import { describe, expect, it } from 'vitest';
import type { HandlerSpec } from '../../cdk/handlers.ts';
import { build, FIXTURE_ENTRY } from './build.ts';

/**
 * A fixed, small app (two handlers, the placeholder pipeline) so the snapshot changes only when cdk/ does,
 * not when another team adds a handler or edits the pipeline ASL. Update with `npx vitest run test/infra -u`.
 */
const handlers: HandlerSpec[] = [
  {
    id: 'Ingest',
    entry: FIXTURE_ENTRY,
    description: 'snapshot ingest',
    reservedConcurrency: 2,
    triggers: [{ kind: 'upload', prefix: 'uploads/' }],
    access: { read: ['uploads'], write: ['curated'], pseudonymKeys: true },
  },
  {
    id: 'Api',
    entry: FIXTURE_ENTRY,
    description: 'snapshot api',
    triggers: [{ kind: 'api' }],
    access: { read: ['results'], athena: true, pipeline: true, userAdmin: true },
  },
];

const built = build(
  'dev',
  {},
  {
    handlers,
    pipelines: [
      {
        id: 'Pipeline',
        asl: [],
        placeholder: 'cdk/pipeline/placeholder-weekly.asl.json',
        weekly: true,
        onObjectCreated: 'curated/',
      },
    ],
  },
);

/** Asset hashes change with every source edit and esbuild version: replace them. */
const normalise = (template: object) =>
  JSON.parse(JSON.stringify(template).replace(/[0-9a-f]{64}(\.zip|\.json)?/g, 'ASSET-HASH$1'));

describe('snapshot', () => {
  it.each(['data', 'service', 'portal'] as const)('%s stack matches the snapshot', (name) => {
    expect(normalise(built.templates[name].toJSON())).toMatchSnapshot();
  });
});
