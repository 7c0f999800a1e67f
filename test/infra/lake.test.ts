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

  it('uses SSE-KMS with a bucket key on the data and Athena-results buckets', () => {
    const kmsBuckets = data.findResources('AWS::S3::Bucket', {
      Properties: {
        BucketEncryption: {
          ServerSideEncryptionConfiguration: [
            Match.objectLike({
              ServerSideEncryptionByDefault: Match.objectLike({ SSEAlgorithm: 'aws:kms' }),
              BucketKeyEnabled: true,
            }),
          ],
        },
      },
    });
    expect(Object.keys(kmsBuckets)).toHaveLength(2);
  });

  it('blocks public access and keeps versions on every bucket', () => {
    const buckets = Object.values(data.findResources('AWS::S3::Bucket'));
    expect(buckets).toHaveLength(3);
    for (const b of buckets) {
      expect(b.Properties.PublicAccessBlockConfiguration).toEqual({
        BlockPublicAcls: true,
        BlockPublicPolicy: true,
        IgnorePublicAcls: true,
        RestrictPublicBuckets: true,
      });
      expect(b.Properties.VersioningConfiguration).toEqual({ Status: 'Enabled' });
      expect(b.Properties.LifecycleConfiguration.Rules.length).toBeGreaterThan(0);
    }
  });

  it('denies requests without TLS on every bucket', () => {
    const policies = Object.values(data.findResources('AWS::S3::BucketPolicy'));
    expect(policies).toHaveLength(3);
    for (const p of policies) {
      expect(p.Properties.PolicyDocument.Statement).toContainEqual(
        expect.objectContaining({ Effect: 'Deny', Condition: { Bool: { 'aws:SecureTransport': 'false' } } }),
      );
    }
  });

  it('logs access to the data buckets into the access-log bucket', () => {
    const logged = data.findResources('AWS::S3::Bucket', {
      Properties: { LoggingConfiguration: { DestinationBucketName: Match.anyValue() } },
    });
    expect(Object.keys(logged)).toHaveLength(2);
  });

  it('expires raw uploads and moves curated data to Infrequent Access, by prefix', () => {
    data.hasResourceProperties('AWS::S3::Bucket', {
      LifecycleConfiguration: {
        Rules: Match.arrayWith([
          Match.objectLike({ Prefix: 'uploads/', ExpirationInDays: 90, Status: 'Enabled' }),
          Match.objectLike({
            Prefix: 'curated/',
            Transitions: [{ StorageClass: 'STANDARD_IA', TransitionInDays: 90 }],
          }),
        ]),
      },
    });
  });

  it('sends object events to EventBridge from the data bucket, without a custom resource', () => {
    data.hasResourceProperties('AWS::S3::Bucket', {
      NotificationConfiguration: { EventBridgeConfiguration: { EventBridgeEnabled: true } },
    });
    data.resourceCountIs('Custom::S3BucketNotifications', 0);
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
