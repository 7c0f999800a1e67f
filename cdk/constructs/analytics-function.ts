import { Duration, type RemovalPolicy, Validations } from 'aws-cdk-lib';
import { Role, ServicePrincipal } from 'aws-cdk-lib/aws-iam';
import type { IKey } from 'aws-cdk-lib/aws-kms';
import { Architecture, Runtime, Tracing } from 'aws-cdk-lib/aws-lambda';
import { NodejsFunction, OutputFormat, SourceMapMode } from 'aws-cdk-lib/aws-lambda-nodejs';
import { LogGroup } from 'aws-cdk-lib/aws-logs';
import { Queue, QueueEncryption } from 'aws-cdk-lib/aws-sqs';
import { Construct } from 'constructs';
import type { HandlerSpec } from '../handlers.ts';
import { REPO_ROOT, repoPath } from '../paths.ts';

export interface AnalyticsFunctionProps {
  spec: HandlerSpec;
  envName: string;
  logRetentionDays: number;
  removalPolicy: RemovalPolicy;
  opsKey: IKey;
  environment: Record<string, string>;
}

/** CloudFormation descriptions accept Latin-1 only: typographic quotes become ASCII, the rest is dropped. */
const cfnText = (s: string) =>
  s
    .replace(/[\u2018\u2019]/g, "'")
    .replace(/[\u201c\u201d]/g, '"')
    .replace(/[^\t\n\r\x20-\x7e\xa1-\xff]/g, '');

/** nodejs24.x; falls back to a named runtime on aws-cdk-lib versions that predate the constant. */
export const NODE_RUNTIME: Runtime = Runtime.NODEJS_24_X;

/**
 * One Lambda handler with the platform defaults baked in: Node 24 on arm64 (Graviton: ~20% cheaper per
 * GB-s), ESM bundle built by the local esbuild (never Docker), source maps, Powertools logger/metrics/tracer
 * configuration, active X-Ray tracing, its own KMS-encrypted log group with retention, its own role that
 * starts with nothing but its log group, and a dead-letter queue when something invokes it asynchronously.
 */
export class AnalyticsFunction extends Construct {
  readonly fn: NodejsFunction;
  readonly role: Role;
  readonly logGroup: LogGroup;
  readonly deadLetterQueue?: Queue;

  constructor(scope: Construct, id: string, props: AnalyticsFunctionProps) {
    super(scope, id);
    const { spec } = props;
    this.role = new Role(this, 'Role', {
      assumedBy: new ServicePrincipal('lambda.amazonaws.com'),
      description: cfnText(`bacuda ${props.envName} ${spec.id}: ${spec.description}`).slice(0, 1000),
    });
    this.logGroup = new LogGroup(this, 'Logs', {
      retention: props.logRetentionDays,
      encryptionKey: props.opsKey,
      removalPolicy: props.removalPolicy,
    });

    const async = spec.triggers.some((t) => t.kind === 'upload');
    if (async) {
      this.deadLetterQueue = new Queue(this, 'DeadLetters', {
        encryption: QueueEncryption.KMS,
        encryptionMasterKey: props.opsKey,
        enforceSSL: true,
        retentionPeriod: Duration.days(14),
      });
      Validations.of(this.deadLetterQueue).acknowledge({
        id: 'AwsSolutions-SQS3',
        reason: 'This queue is itself the dead-letter queue of the function and its EventBridge trigger.',
      });
    }

    this.fn = new NodejsFunction(this, 'Function', {
      entry: repoPath(spec.entry),
      handler: 'handler',
      projectRoot: REPO_ROOT,
      depsLockFilePath: repoPath('package-lock.json'),
      runtime: NODE_RUNTIME,
      architecture: Architecture.ARM_64,
      memorySize: spec.memoryMb ?? 512,
      timeout: Duration.seconds(spec.timeoutSeconds ?? 60),
      description: cfnText(spec.description).slice(0, 256),
      role: this.role,
      logGroup: this.logGroup,
      tracing: Tracing.ACTIVE,
      reservedConcurrentExecutions: spec.reservedConcurrency,
      deadLetterQueue: this.deadLetterQueue,
      retryAttempts: async ? 2 : undefined,
      environment: {
        NODE_OPTIONS: '--enable-source-maps',
        BACUDA_ENV: props.envName,
        POWERTOOLS_SERVICE_NAME: spec.id,
        POWERTOOLS_METRICS_NAMESPACE: 'bacuda',
        POWERTOOLS_LOG_LEVEL: 'INFO',
        POWERTOOLS_LOGGER_LOG_EVENT: 'false',
        ...props.environment,
      },
      bundling: {
        // Local esbuild only: there is no Docker on build machines, and it is faster.
        forceDockerBundling: false,
        format: OutputFormat.ESM,
        target: 'node24',
        mainFields: ['module', 'main'],
        minify: true,
        sourceMap: true,
        sourceMapMode: SourceMapMode.EXTERNAL,
        sourcesContent: false,
        // The AWS SDK v3 ships with the runtime; DuckDB is a native local-only engine (never on Lambda).
        externalModules: ['@aws-sdk/*', '@duckdb/node-api'],
        // ESM bundles of CommonJS dependencies still call require().
        banner:
          "import { createRequire } from 'node:module'; const require = createRequire(import.meta.url);",
      },
    });

    Validations.of(this.role).acknowledge({
      id: 'AwsSolutions-IAM5[Resource::*]',
      reason:
        'X-Ray PutTraceSegments/PutTelemetryRecords support no resource-level permissions; AWS requires "*".',
    });
    Validations.of(this.role).acknowledge({
      id: 'NIST.800.53.R5-IAMNoInlinePolicy',
      reason:
        'The policy is generated per function from its declared grants and attached to that one role only; a managed policy would add reuse nobody needs.',
    });
    Validations.of(this.fn).acknowledge({
      id: 'NIST.800.53.R5-LambdaInsideVPC',
      reason:
        'The function reaches only AWS public endpoints over TLS with IAM auth (S3, Athena, Secrets Manager) and public shop sites; there is no private network resource to reach, and a VPC would add NAT cost without reducing exposure.',
    });
    if (spec.reservedConcurrency === undefined) {
      Validations.of(this.fn).acknowledge({
        id: 'NIST.800.53.R5-LambdaConcurrency',
        reason:
          'Invoked only by the pipeline state machines, whose Map states bound concurrency (MaxConcurrency); reserving capacity would take it from the account pool for a weekly job.',
      });
    }
    if (!async) {
      Validations.of(this.fn).acknowledge({
        id: 'NIST.800.53.R5-LambdaDLQ',
        reason:
          'Invoked synchronously only (API Gateway or Step Functions), where the caller sees and handles the error; a DLQ applies to asynchronous invocations.',
      });
    }
  }
}
