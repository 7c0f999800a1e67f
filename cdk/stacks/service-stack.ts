import { ArnFormat, Stack, type StackProps } from 'aws-cdk-lib';
import { LambdaVersion, UserPoolOperation } from 'aws-cdk-lib/aws-cognito';
import { PolicyStatement } from 'aws-cdk-lib/aws-iam';
import type { IQueue } from 'aws-cdk-lib/aws-sqs';
import type { Construct } from 'constructs';
import type { EnvConfig } from '../config.ts';
import { AlarmTopic } from '../constructs/alarm-topic.ts';
import { Analytics } from '../constructs/analytics.ts';
import type { AnalyticsFunction } from '../constructs/analytics-function.ts';
import { Api } from '../constructs/api.ts';
import { Identity, MEMBER_SCOPES } from '../constructs/identity.ts';
import { importLake, type LakeRefs } from '../constructs/lake-refs.ts';
import { Operations } from '../constructs/operations.ts';
import { OpsKey } from '../constructs/ops-key.ts';
import { Pipelines } from '../constructs/pipeline.ts';
import type { HandlerSpec } from '../handlers.ts';
import { acknowledgeWildcardResource } from '../nag.ts';
import type { PipelineSpec } from '../pipelines.ts';
import type { DataStack } from './data-stack.ts';

export interface ServiceStackProps extends StackProps {
  config: EnvConfig;
  data: DataStack;
  handlers: readonly HandlerSpec[];
  pipelines: readonly PipelineSpec[];
  /** Overrides the file-exists checks (tests). */
  entryExists?: (path: string) => boolean;
}

/** Compute, orchestration, API, identity and operations: stateless, redeployed freely. */
export class ServiceStack extends Stack {
  readonly lake: LakeRefs;
  readonly identity: Identity;
  readonly analytics: Analytics;
  readonly pipelines: Pipelines;
  readonly api?: Api;
  readonly operations: Operations;
  readonly alarmTopic: AlarmTopic;

  constructor(scope: Construct, id: string, props: ServiceStackProps) {
    super(scope, id, props);
    const { config } = props;
    this.addStackDependency(props.data, 'imports the lake exports by name');
    this.lake = importLake(this, props.data, config.envName);
    const opsKey = new OpsKey(this, 'OpsKey', {
      envName: config.envName,
      removalPolicy: config.removalPolicy,
    }).key;
    this.alarmTopic = new AlarmTopic(this, 'Alarms', {
      envName: config.envName,
      key: opsKey,
      email: config.alarmEmail,
    });
    this.identity = new Identity(this, 'Identity', {
      envName: config.envName,
      administrations: config.administrations,
      removalPolicy: config.removalPolicy,
    });
    const common = {
      envName: config.envName,
      lake: this.lake,
      opsKey,
      logRetentionDays: config.logRetentionDays,
      removalPolicy: config.removalPolicy,
    };
    this.analytics = new Analytics(this, 'Analytics', {
      ...common,
      handlers: props.handlers,
      entryExists: props.entryExists,
    });
    this.pipelines = new Pipelines(this, 'Pipelines', {
      ...common,
      specs: props.pipelines,
      functions: this.analytics.functions,
      alarmTopic: this.alarmTopic.topic,
      administrations: config.administrations,
      weeklySchedule: config.weeklySchedule,
      scheduleTimeZone: config.scheduleTimeZone,
      fileExists: props.entryExists,
    });

    for (const [fnId, af] of this.analytics.functions) {
      const { access } = props.handlers.find((h) => h.id === fnId)!;
      if (access.pipeline) this.grantPipelineControl(af);
      if (access.userAdmin) {
        af.role.addToPrincipalPolicy(
          new PolicyStatement({
            actions: [
              'cognito-idp:AdminCreateUser',
              'cognito-idp:AdminAddUserToGroup',
              'cognito-idp:AdminRemoveUserFromGroup',
              'cognito-idp:AdminUpdateUserAttributes',
              'cognito-idp:AdminGetUser',
              'cognito-idp:AdminDisableUser',
              'cognito-idp:ListUsers',
            ],
            resources: [this.identity.userPool.userPoolArn],
          }),
        );
        af.fn.addEnvironment('USER_POOL_ID', this.identity.userPool.userPoolId);
      }
    }

    const preToken = this.analytics.get('PreToken');
    if (preToken)
      this.identity.userPool.addTrigger(
        UserPoolOperation.PRE_TOKEN_GENERATION_CONFIG,
        preToken.fn,
        LambdaVersion.V2_0,
      );

    const apiFn = this.analytics.get('Api');
    if (apiFn) {
      apiFn.fn.addEnvironment('COGNITO_ISSUER', this.identity.issuer);
      apiFn.fn.addEnvironment(
        'MEMBER_CLIENTS',
        this.toJsonString(
          [...this.identity.memberClients].map(([administration, c]) => ({
            clientId: c.userPoolClientId,
            administration,
          })),
        ),
      );
      this.api = new Api(this, 'Api', {
        envName: config.envName,
        handler: apiFn.fn,
        userPool: this.identity.userPool,
        scopeNames: MEMBER_SCOPES.map((s) => `${s.server}/${s.scope}`),
        administrations: config.administrations,
        opsKey,
        ...config.api,
        logRetentionDays: config.logRetentionDays,
        removalPolicy: config.removalPolicy,
      });
    }

    const dlqs = new Map<string, IQueue>([['pipeline-start', this.pipelines.deadLetterQueue]]);
    for (const [fnId, af] of this.analytics.functions)
      if (af.deadLetterQueue) dlqs.set(fnId, af.deadLetterQueue);
    this.operations = new Operations(this, 'Operations', {
      envName: config.envName,
      topic: this.alarmTopic.topic,
      functions: this.analytics.functions,
      stateMachines: this.pipelines.stateMachines,
      deadLetterQueues: dlqs,
      athenaWorkGroup: this.lake.workGroupName,
      restApi: this.api?.restApi,
    });
  }

  /** Start (and re-drive) runs on demand and read run history: the API's pipeline endpoints. */
  private grantPipelineControl(af: AnalyticsFunction): void {
    for (const [smId, sm] of this.pipelines.stateMachines) {
      sm.grantStartExecution(af.role);
      af.role.addToPrincipalPolicy(
        new PolicyStatement({ actions: ['states:ListExecutions'], resources: [sm.stateMachineArn] }),
      );
      const executions = this.formatArn({
        service: 'states',
        resource: 'execution',
        resourceName: `${this.pipelines.names.get(smId)}:*`,
        arnFormat: ArnFormat.COLON_RESOURCE_NAME,
      });
      af.role.addToPrincipalPolicy(
        new PolicyStatement({
          actions: ['states:DescribeExecution', 'states:GetExecutionHistory', 'states:RedriveExecution'],
          resources: [executions],
        }),
      );
      acknowledgeWildcardResource(
        af,
        executions,
        `Execution ARNs are only known at run time; the wildcard covers executions of ${smId} only (run history and re-drive).`,
      );
      const envName = `PIPELINE_${smId.replace(/[A-Z]/g, (c, i) => (i ? '_' : '') + c).toUpperCase()}_ARN`;
      af.fn.addEnvironment(envName, sm.stateMachineArn);
    }
  }
}
