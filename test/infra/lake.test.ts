import { Match } from 'aws-cdk-lib/assertions';
import { describe, expect, it } from 'vitest';
import { build } from './build.ts';

// Prepare once: synthesis is the slow part; each test asserts one behaviour of the result.
const dev = build('dev');
const prod = build('prod', { keepData: true });
const data = dev.templates.data;

describe('data lake', () => {
  it('encrypts with a customer-managed KMS key that rotates', () => {
    data.hasResourceProperties('AWS::KMS::Key', { EnableKeyRotation: true });
  });

  // The three data buckets, by the id of their SecureBucket construct in the DataLake.
  const DATA_BUCKETS = ['Uploads', 'Curated', 'Results'] as const;
  const bucketId = (name: string) => {
    const ids = Object.keys(data.findResources('AWS::S3::Bucket')).filter((id) =>
      id.startsWith(`Lake${name}Bucket`),
    );
    expect(ids, name).toHaveLength(1);
    return ids[0];
  };
  const bucket = (name: string) => data.toJSON().Resources[bucketId(name)].Properties;

  it('has separate uploads, curated, results, Athena-results and access-log buckets', () => {
    data.resourceCountIs('AWS::S3::Bucket', 5);
    for (const name of [...DATA_BUCKETS, 'AthenaResults']) bucketId(name);
  });

  it.each(DATA_BUCKETS)(
    'encrypts the %s bucket with SSE-KMS under the lake key, with a bucket key',
    (name) => {
      expect(bucket(name).BucketEncryption.ServerSideEncryptionConfiguration).toEqual([
        {
          ServerSideEncryptionByDefault: {
            SSEAlgorithm: 'aws:kms',
            KMSMasterKeyID: { 'Fn::GetAtt': [expect.stringMatching(/^LakeKey/), 'Arn'] },
          },
          BucketKeyEnabled: true,
        },
      ]);
    },
  );

  it.each(DATA_BUCKETS)('blocks all public access to the %s bucket', (name) => {
    expect(bucket(name).PublicAccessBlockConfiguration).toEqual({
      BlockPublicAcls: true,
      BlockPublicPolicy: true,
      IgnorePublicAcls: true,
      RestrictPublicBuckets: true,
    });
  });

  it.each(DATA_BUCKETS)('keeps versions in the %s bucket', (name) => {
    expect(bucket(name).VersioningConfiguration).toEqual({ Status: 'Enabled' });
  });

  it.each(DATA_BUCKETS)('denies requests without TLS to the %s bucket', (name) => {
    const policies = data.findResources('AWS::S3::BucketPolicy', {
      Properties: { Bucket: { Ref: bucketId(name) } },
    });
    const statements = Object.values(policies).flatMap((p) => p.Properties.PolicyDocument.Statement);
    expect(statements).toContainEqual(
      expect.objectContaining({ Effect: 'Deny', Condition: { Bool: { 'aws:SecureTransport': 'false' } } }),
    );
  });

  it.each(DATA_BUCKETS)(
    'logs access to the %s bucket into the access-log bucket under its own prefix',
    (name) => {
      expect(bucket(name).LoggingConfiguration).toEqual({
        DestinationBucketName: { Ref: expect.stringMatching(/^LakeAccessLogs/) },
        LogFilePrefix: `${name.toLowerCase()}/`,
      });
    },
  );

  it('blocks public access, enforces TLS and keeps versions on the Athena-results and access-log buckets too', () => {
    for (const id of Object.keys(data.findResources('AWS::S3::Bucket'))) {
      const props = data.toJSON().Resources[id].Properties;
      expect(props.PublicAccessBlockConfiguration.BlockPublicPolicy, id).toBe(true);
      expect(props.VersioningConfiguration, id).toEqual({ Status: 'Enabled' });
    }
    data.resourceCountIs('AWS::S3::BucketPolicy', 5);
  });

  const rules = (name: string) => bucket(name).LifecycleConfiguration.Rules as Record<string, unknown>[];

  it('expires uploads after 90 days and their old versions after 30', () => {
    expect(rules('Uploads')).toContainEqual(
      expect.objectContaining({ ExpirationInDays: 90, Status: 'Enabled' }),
    );
    expect(rules('Uploads')).toContainEqual(
      expect.objectContaining({ NoncurrentVersionExpiration: { NoncurrentDays: 30 } }),
    );
  });

  it('moves curated data to Infrequent Access after 90 days and never expires it', () => {
    expect(rules('Curated')).toContainEqual(
      expect.objectContaining({ Transitions: [{ StorageClass: 'STANDARD_IA', TransitionInDays: 90 }] }),
    );
    expect(rules('Curated').some((r) => 'ExpirationInDays' in r)).toBe(false);
  });

  it('keeps results: Infrequent Access after 180 days, no expiry of current objects', () => {
    expect(rules('Results')).toContainEqual(
      expect.objectContaining({ Transitions: [{ StorageClass: 'STANDARD_IA', TransitionInDays: 180 }] }),
    );
    expect(rules('Results').some((r) => 'ExpirationInDays' in r)).toBe(false);
  });

  it('sends object events to EventBridge from the uploads and curated buckets only, without a custom resource', () => {
    const eventBridge = (name: string) =>
      bucket(name).NotificationConfiguration?.EventBridgeConfiguration?.EventBridgeEnabled === true;
    expect(DATA_BUCKETS.filter(eventBridge)).toEqual(['Uploads', 'Curated']);
    data.resourceCountIs('Custom::S3BucketNotifications', 0);
  });

  it('exports every bucket by a fixed name for the service stack', () => {
    const outputs = Object.values(data.toJSON().Outputs as Record<string, { Export: { Name: string } }>).map(
      (o) => o.Export.Name,
    );
    for (const b of ['uploads', 'curated', 'results', 'athenaResults']) {
      expect(outputs).toContain(`bacuda-dev-${b}-arn`);
      expect(outputs).toContain(`bacuda-dev-${b}-name`);
    }
  });

  it('points every Glue table at curated/<dataset>/ in the curated bucket', () => {
    const tables = Object.values(data.findResources('AWS::Glue::Table'));
    expect(tables.length).toBeGreaterThan(0);
    for (const t of tables) {
      const name = t.Properties.TableInput.Name;
      expect(t.Properties.TableInput.StorageDescriptor.Location).toEqual({
        'Fn::Join': ['', ['s3://', { Ref: bucketId('Curated') }, `/curated/${name}/`]],
      });
    }
  });

  it('declares one Glue table per dataset with partition projection over curated/<dataset>/', () => {
    for (const name of ['declarations', 'trade', 'revenue', 'tariffs', 'fx', 'prices']) {
      data.hasResourceProperties('AWS::Glue::Table', {
        TableInput: Match.objectLike({
          Name: name,
          PartitionKeys: [
            { Name: 'administration', Type: 'string' },
            { Name: 'year', Type: 'int' },
            { Name: 'month', Type: 'int' },
          ],
          Parameters: Match.objectLike({
            'projection.enabled': 'true',
            'projection.administration.type': 'injected',
            'storage.location.template': Match.objectLike({
              'Fn::Join': [
                '',
                Match.arrayWith([
                  `/curated/${name}/administration=\${administration}/year=\${year}/month=\${month}/`,
                ]),
              ],
            }),
          }),
        }),
      });
    }
  });

  it('derives the declarations columns from the canonical schema', () => {
    const tables = data.findResources('AWS::Glue::Table', {
      Properties: { TableInput: { Name: 'declarations' } },
    });
    const columns = Object.values(tables)[0].Properties.TableInput.StorageDescriptor.Columns.map(
      (c: { Name: string }) => c.Name,
    );
    expect(columns).toContain('hscode');
    expect(columns).toContain('importerid');
    expect(columns).toContain('illicit');
  });

  it('runs Athena in a workgroup that enforces encryption, result location and a scan limit', () => {
    data.hasResourceProperties('AWS::Athena::WorkGroup', {
      Name: 'bacuda-dev',
      WorkGroupConfiguration: Match.objectLike({
        EnforceWorkGroupConfiguration: true,
        BytesScannedCutoffPerQuery: 10_737_418_240,
        ResultConfiguration: Match.objectLike({
          EncryptionConfiguration: { EncryptionOption: 'SSE_KMS', KmsKey: Match.anyValue() },
        }),
      }),
    });
  });

  it('keeps one KMS-encrypted pseudonymisation key per administration', () => {
    for (const admin of ['XAA', 'XBB']) {
      data.hasResourceProperties('AWS::SecretsManager::Secret', {
        Name: `bacuda/dev/pseudonym-key/${admin}`,
        KmsKeyId: Match.anyValue(),
        // 64 hex characters: the format the Secrets Manager key store reads.
        GenerateSecretString: Match.objectLike({
          PasswordLength: 64,
          ExcludeUppercase: true,
          ExcludePunctuation: true,
          ExcludeCharacters: 'ghijklmnopqrstuvwxyz',
        }),
      });
    }
  });

  it('retains buckets, keys and secrets in prod and deletes them in dev', () => {
    const policies = (t: typeof data, type: string) =>
      Object.values(t.findResources(type)).map((r) => r.DeletionPolicy);
    for (const type of ['AWS::S3::Bucket', 'AWS::KMS::Key', 'AWS::SecretsManager::Secret']) {
      expect(new Set(policies(prod.templates.data, type))).toEqual(new Set(['Retain']));
      expect(new Set(policies(data, type))).toEqual(new Set(['Delete']));
    }
  });
});
