import { Annotations, Duration, type RemovalPolicy } from 'aws-cdk-lib';
import { Rule } from 'aws-cdk-lib/aws-events';
import { LambdaFunction } from 'aws-cdk-lib/aws-events-targets';
import type { IKey } from 'aws-cdk-lib/aws-kms';
import { Construct } from 'constructs';
import { BUCKET_ENV, type LakeDataBucket } from '../../shared/adapters/lake-layout.ts';
import type { HandlerSpec } from '../handlers.ts';
import { repoFileExists } from '../paths.ts';
import { AnalyticsFunction } from './analytics-function.ts';
import { grantLakeAccess } from './lake-grants.ts';
import type { LakeRefs } from './lake-refs.ts';

export interface AnalyticsProps {
  envName: string;
  handlers: readonly HandlerSpec[];
  lake: LakeRefs;
  opsKey: IKey;
  logRetentionDays: number;
  removalPolicy: RemovalPolicy;
  /** Decides whether a handler's entry exists (default: the file exists in the repository). */
  entryExists?: (entry: string) => boolean;
}

/** Splits the catalogue into handlers whose entry file exists (wired) and the rest (skipped). */
export function wiredHandlers(
  handlers: readonly HandlerSpec[],
  entryExists: (entry: string) => boolean = repoFileExists,
): { wired: HandlerSpec[]; skipped: HandlerSpec[] } {
  const wired: HandlerSpec[] = [];
  const skipped: HandlerSpec[] = [];
  for (const h of handlers) (entryExists(h.entry) ? wired : skipped).push(h);
  return { wired, skipped };
}

/**
 * One AnalyticsFunction per wired handler, its lake grants, and its upload triggers
 * (S3 → EventBridge "Object Created" → Lambda, with retries and a DLQ on both hops).
 */
export class Analytics extends Construct {
  readonly functions = new Map<string, AnalyticsFunction>();
  readonly skipped: HandlerSpec[];

  constructor(scope: Construct, id: string, props: AnalyticsProps) {
    super(scope, id);
    const { lake } = props;
    const { wired, skipped } = wiredHandlers(props.handlers, props.entryExists);
    this.skipped = skipped;
    for (const h of skipped) {
      Annotations.of(this).addInfo(`handler ${h.id} not wired: ${h.entry} does not exist yet`);
    }

    for (const spec of wired) {
      const environment: Record<string, string> = {};
      const { read = [], write = [] } = spec.access;
      // The Lambdas' store routes keys to all three data buckets (functions/cloud-store.ts), so a function
      // that uses the lake gets all three names; its policy limits which prefixes of each it may touch.
      if ([...read, ...write].some((area) => area !== 'athenaResults')) {
        for (const [bucket, name] of Object.entries(BUCKET_ENV) as [LakeDataBucket, string][]) {
          environment[name] = lake.buckets[bucket].bucketName;
        }
      }
      if (spec.access.athena) {
        environment.ATHENA_WORKGROUP = lake.workGroupName;
        environment.GLUE_DATABASE = lake.databaseName;
      }
      if (spec.access.pseudonymKeys) environment.PSEUDONYM_SECRET_PREFIX = lake.pseudonymKeyPrefix;

      const af = new AnalyticsFunction(this, spec.id, {
        spec,
        envName: props.envName,
        logRetentionDays: props.logRetentionDays,
        removalPolicy: props.removalPolicy,
        opsKey: props.opsKey,
        environment,
      });
      grantLakeAccess(af.role, af, lake, spec.access);
      this.functions.set(spec.id, af);

      for (const trigger of spec.triggers) {
        if (trigger.kind !== 'upload') continue;
        new Rule(this, `${spec.id}UploadRule`, {
          description: `${trigger.prefix} object created → ${spec.id}`,
          eventPattern: {
            source: ['aws.s3'],
            detailType: ['Object Created'],
            detail: {
              bucket: { name: [lake.buckets.uploads.bucketName] },
              object: { key: [{ prefix: trigger.prefix }] },
            },
          },
          targets: [
            new LambdaFunction(af.fn, {
              deadLetterQueue: af.deadLetterQueue,
              retryAttempts: 4,
              maxEventAge: Duration.hours(2),
            }),
          ],
        });
      }
    }
  }

  get(id: string): AnalyticsFunction | undefined {
    return this.functions.get(id);
  }
}
