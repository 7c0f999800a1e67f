import { readFileSync } from 'node:fs';
import {
  Annotations,
  ArnFormat,
  Duration,
  type RemovalPolicy,
  Stack,
  TimeZone,
  Validations,
} from 'aws-cdk-lib';
import { Rule } from 'aws-cdk-lib/aws-events';
import { SfnStateMachine } from 'aws-cdk-lib/aws-events-targets';
import { PolicyStatement, Role, ServicePrincipal } from 'aws-cdk-lib/aws-iam';
import type { IKey } from 'aws-cdk-lib/aws-kms';
import { LogGroup } from 'aws-cdk-lib/aws-logs';
import { Schedule, ScheduleExpression, ScheduleTargetInput } from 'aws-cdk-lib/aws-scheduler';
import { StepFunctionsStartExecution } from 'aws-cdk-lib/aws-scheduler-targets';
import type { ITopic } from 'aws-cdk-lib/aws-sns';
import { Queue, QueueEncryption } from 'aws-cdk-lib/aws-sqs';
import { DefinitionBody, LogLevel, StateMachine } from 'aws-cdk-lib/aws-stepfunctions';
import { Construct } from 'constructs';
import { acknowledgeWildcardResource } from '../nag.ts';
import { repoFileExists, repoPath } from '../paths.ts';
import type { PipelineSpec } from '../pipelines.ts';
import type { AnalyticsFunction } from './analytics-function.ts';
import { grantLakeAccess } from './lake-grants.ts';
import type { LakeRefs } from './lake-refs.ts';

export interface PipelinesProps {
  envName: string;
  specs: readonly PipelineSpec[];
  functions: ReadonlyMap<string, AnalyticsFunction>;
  lake: LakeRefs;
  alarmTopic: ITopic;
  opsKey: IKey;
  administrations: readonly string[];
  weeklySchedule: string;
  scheduleTimeZone: string;
  logRetentionDays: number;
  removalPolicy: RemovalPolicy;
  /** Decides whether an ASL file exists (default: in the repository). */
  fileExists?: (path: string) => boolean;
}

/** `${Name}` placeholders of an ASL text (JSONPath `$.x` never has a brace, so this is unambiguous). */
export function aslPlaceholders(asl: string): string[] {
  return [...new Set([...asl.matchAll(/\$\{([A-Za-z0-9_]+)\}/g)].map((m) => m[1]))].sort();
}

/**
 * The pipeline state machines, each from its ASL file with substitutions, with full logging, X-Ray,
 * least-privilege invoke grants (only the functions its ASL references), weekly schedules per
 * administration, and the curated-upload trigger.
 */
export class Pipelines extends Construct {
  readonly stateMachines = new Map<string, StateMachine>();
  /** Which file each state machine was built from (placeholder or real). */
  readonly sources = new Map<string, string>();
  /** State machine names (bacuda-<env>-<kebab id>), fixed so IAM policies can name executions. */
  readonly names = new Map<string, string>();
  /** Receives schedule and upload-rule deliveries that could not start an execution. */
  readonly deadLetterQueue: Queue;

  constructor(scope: Construct, id: string, props: PipelinesProps) {
    super(scope, id);
    const exists = props.fileExists ?? repoFileExists;
    const stack = Stack.of(this);
    const { lake } = props;

    const substitutions: Record<string, string> = {
      EnvName: props.envName,
      ResultsBucket: lake.buckets.results.bucketName,
      AlarmTopicArn: props.alarmTopic.topicArn,
    };
    for (const [fnId, af] of props.functions) substitutions[`${fnId}FunctionArn`] = af.fn.functionArn;

    // One queue for everything the schedulers and rules could not deliver to a state machine.
    const deadLetters = new Queue(this, 'StartDeadLetters', {
      encryption: QueueEncryption.KMS,
      encryptionMasterKey: props.opsKey,
      enforceSSL: true,
      retentionPeriod: Duration.days(14),
    });
    Validations.of(deadLetters).acknowledge({
      id: 'AwsSolutions-SQS3',
      reason: 'This queue is itself the dead-letter queue of the pipeline schedules and upload rules.',
    });
    this.deadLetterQueue = deadLetters;

    for (const spec of props.specs) {
      const file = spec.asl.find(exists) ?? spec.placeholder;
      const text = readFileSync(repoPath(file), 'utf8');
      const missing = aslPlaceholders(text).filter((p) => !(p in substitutions));
      if (missing.length > 0) {
        Annotations.of(this).addWarning(
          `state machine ${spec.id} not deployed: ${file} uses \${${missing.join('}, ${')}} which nothing provides ` +
            '(a handler it invokes is not wired yet?)',
        );
        continue;
      }
      const used = aslPlaceholders(text);
      const name = `bacuda-${props.envName}-${spec.id.replace(/[A-Z]/g, (c, i) => (i ? '-' : '') + c.toLowerCase())}`;
      const logs = new LogGroup(this, `${spec.id}Logs`, {
        // Vended-log groups for Step Functions must be named /aws/vendedlogs/ to avoid policy-size limits.
        logGroupName: `/aws/vendedlogs/states/${name}`,
        retention: props.logRetentionDays,
        encryptionKey: props.opsKey,
        removalPolicy: props.removalPolicy,
      });
      const sm = new StateMachine(this, spec.id, {
        stateMachineName: name,
        definitionBody: DefinitionBody.fromString(text),
        definitionSubstitutions: Object.fromEntries(used.map((p) => [p, substitutions[p]])),
        tracingEnabled: true,
        // Execution data stays out of the logs: inputs and outputs carry customs data and pseudonyms.
        logs: { destination: logs, level: LogLevel.ALL, includeExecutionData: false },
        timeout: Duration.hours(12),
      });
      this.stateMachines.set(spec.id, sm);
      this.sources.set(spec.id, file);
      this.names.set(spec.id, name);

      // Least privilege: invoke only the functions this definition names.
      for (const [fnId, af] of props.functions) {
        if (used.includes(`${fnId}FunctionArn`)) af.fn.grantInvoke(sm);
      }
      if (used.includes('AlarmTopicArn')) {
        // Explicit instead of topic.grantPublish, which adds kms:GenerateDataKey* for the encrypted topic.
        sm.addToRolePolicy(
          new PolicyStatement({ actions: ['sns:Publish'], resources: [props.alarmTopic.topicArn] }),
        );
        sm.addToRolePolicy(
          new PolicyStatement({
            actions: ['kms:GenerateDataKey', 'kms:Decrypt'],
            resources: [props.opsKey.keyArn],
          }),
        );
      }
      // A Distributed Map reads its item list (the run's partition list) from results/ in the results bucket.
      const distributed = /"Mode"\s*:\s*"DISTRIBUTED"/.test(text);
      grantLakeAccess(sm.role, this, lake, { read: distributed ? ['results'] : [] });
      if (distributed) {
        const executions = stack.formatArn({
          service: 'states',
          resource: 'execution',
          resourceName: `${name}/*`,
          arnFormat: ArnFormat.COLON_RESOURCE_NAME,
        });
        sm.addToRolePolicy(
          new PolicyStatement({
            actions: ['states:StartExecution'],
            resources: [
              stack.formatArn({
                service: 'states',
                resource: 'stateMachine',
                resourceName: name,
                arnFormat: ArnFormat.COLON_RESOURCE_NAME,
              }),
            ],
          }),
        );
        sm.addToRolePolicy(
          new PolicyStatement({
            actions: ['states:DescribeExecution', 'states:StopExecution'],
            resources: [executions],
          }),
        );
        acknowledgeWildcardResource(
          sm,
          executions,
          'Distributed Map child executions get run-time names; the wildcard covers child executions of this state machine only.',
        );
      }
      acknowledgeStateMachine(sm, used, props.functions);

      if (spec.weekly) {
        const schedulerRole = new Role(this, `${spec.id}SchedulerRole`, {
          assumedBy: new ServicePrincipal('scheduler.amazonaws.com', {
            conditions: { StringEquals: { 'aws:SourceAccount': stack.account } },
          }),
          description: `EventBridge Scheduler starts ${name}`,
        });
        Validations.of(schedulerRole).acknowledge({
          id: 'NIST.800.53.R5-IAMNoInlinePolicy',
          reason:
            'Holds only states:StartExecution on this state machine and sqs:SendMessage to its dead-letter queue; attached to this one role.',
        });
        for (const admin of props.administrations) {
          new Schedule(this, `${spec.id}Schedule-${admin}`, {
            description: `${spec.id} pipeline for ${admin}`,
            schedule: ScheduleExpression.expression(
              props.weeklySchedule,
              TimeZone.of(props.scheduleTimeZone),
            ),
            target: new StepFunctionsStartExecution(sm, {
              input: ScheduleTargetInput.fromObject({ administration: admin, trigger: 'schedule' }),
              role: schedulerRole,
              deadLetterQueue: deadLetters,
              retryAttempts: 3,
              maxEventAge: Duration.hours(6),
            }),
          });
        }
      }
      if (spec.onObjectCreated) {
        new Rule(this, `${spec.id}OnObjectCreated`, {
          description: `${spec.onObjectCreated} object created → ${name}`,
          eventPattern: {
            source: ['aws.s3'],
            detailType: ['Object Created'],
            detail: {
              bucket: { name: [lake.buckets.curated.bucketName] },
              object: { key: [{ prefix: spec.onObjectCreated }] },
            },
          },
          targets: [
            // The whole EventBridge event is the input: the definition routes on `source: aws.s3`.
            new SfnStateMachine(sm, {
              deadLetterQueue: deadLetters,
              retryAttempts: 4,
              maxEventAge: Duration.hours(2),
            }),
          ],
        });
      }
    }
  }
}

/** The wildcards Step Functions grants need, each with its reason. */
function acknowledgeStateMachine(
  sm: StateMachine,
  used: string[],
  functions: ReadonlyMap<string, AnalyticsFunction>,
): void {
  Validations.of(sm).acknowledge({
    id: 'AwsSolutions-IAM5[Resource::*]',
    reason:
      'X-Ray trace writes and CloudWatch Logs delivery (logs:CreateLogDelivery, ...) support no resource-level permissions; AWS requires "*".',
  });
  Validations.of(sm).acknowledge({
    id: 'NIST.800.53.R5-IAMNoInlinePolicy',
    reason: 'Generated per state machine from the functions its ASL names; attached to this one role only.',
  });
  for (const [fnId, af] of functions) {
    if (!used.includes(`${fnId}FunctionArn`)) continue;
    const logicalId = Stack.of(sm).getLogicalId(af.fn.node.defaultChild as never);
    Validations.of(sm).acknowledge({
      id: `AwsSolutions-IAM5[Resource::<${logicalId}.Arn>:*]`,
      reason: `lambda:InvokeFunction on ${fnId}'s versions and aliases (ARN:*), which Step Functions may invoke.`,
    });
  }
}
