import { Match } from 'aws-cdk-lib/assertions';
import { describe, expect, it } from 'vitest';
import { HANDLERS } from '../../cdk/handlers.ts';
import { LAKE_LAYOUT } from '../../shared/adapters/lake-layout.ts';
import { build } from './build.ts';

const built = build('dev');
const service = built.templates.service;
const portal = built.templates.portal;

type Statement = { Action: string | string[]; Resource: unknown; Effect: string };

/** Statements of the policies attached to the role of one handler. */
function statementsOf(handlerId: string): Statement[] {
  const roles = service.findResources('AWS::IAM::Role', {
    Properties: { Description: Match.stringLikeRegexp(`^bacuda dev ${handlerId}:`) },
  });
  const [roleId] = Object.keys(roles);
  expect(roleId, `role of ${handlerId}`).toBeDefined();
  const policies = service.findResources('AWS::IAM::Policy', {
    Properties: { Roles: [{ Ref: roleId }] },
  });
  return Object.values(policies).flatMap((p) => p.Properties.PolicyDocument.Statement);
}

const actions = (s: Statement) => (Array.isArray(s.Action) ? s.Action : [s.Action]);
const resourceText = (s: Statement) => JSON.stringify(s.Resource);

describe('analytics functions', () => {
  it('wires one function per catalogued handler', () => {
    service.resourceCountIs('AWS::Lambda::Function', HANDLERS.length);
  });

  it('runs every function on nodejs24.x, arm64, with active tracing and Powertools settings', () => {
    const fns = Object.values(service.findResources('AWS::Lambda::Function'));
    for (const fn of fns) {
      expect(fn.Properties.Runtime).toBe('nodejs24.x');
      expect(fn.Properties.Architectures).toEqual(['arm64']);
      expect(fn.Properties.TracingConfig).toEqual({ Mode: 'Active' });
      expect(fn.Properties.Environment.Variables).toMatchObject({
        POWERTOOLS_METRICS_NAMESPACE: 'bacuda',
        POWERTOOLS_SERVICE_NAME: expect.any(String),
      });
      expect(fn.Properties.LoggingConfig.LogGroup).toBeDefined();
    }
  });

  it('sets retention and KMS encryption on every log group', () => {
    const groups = Object.values(service.findResources('AWS::Logs::LogGroup'));
    expect(groups.length).toBeGreaterThan(HANDLERS.length);
    for (const g of groups) {
      expect(g.Properties.RetentionInDays).toBe(30);
      expect(g.Properties.KmsKeyId).toBeDefined();
    }
  });

  it('triggers ingest on Object Created under uploads/ of the uploads bucket, with retries and a DLQ', () => {
    service.hasResourceProperties('AWS::Events::Rule', {
      EventPattern: {
        source: ['aws.s3'],
        'detail-type': ['Object Created'],
        detail: {
          bucket: { name: [{ 'Fn::ImportValue': 'bacuda-dev-uploads-name' }] },
          object: { key: [{ prefix: 'uploads/' }] },
        },
      },
      Targets: [
        Match.objectLike({
          DeadLetterConfig: { Arn: Match.anyValue() },
          RetryPolicy: { MaximumRetryAttempts: 4, MaximumEventAgeInSeconds: 7200 },
        }),
      ],
    });
  });

  it('gives the asynchronously invoked ingest function its own dead-letter queue', () => {
    const ingest = service.findResources('AWS::Lambda::Function', {
      Properties: { Environment: { Variables: { POWERTOOLS_SERVICE_NAME: 'Ingest' } } },
    });
    const fn = Object.values(ingest)[0];
    expect(fn.Properties.DeadLetterConfig.TargetArn).toBeDefined();
    expect(fn.Properties.ReservedConcurrentExecutions).toBe(10);
    expect(fn.Properties.Environment.Variables).toMatchObject({
      PSEUDONYM_SECRET_PREFIX: 'bacuda/dev/pseudonym-key/',
    });
  });

  it('names the three data buckets to every function that uses the lake', () => {
    const users = HANDLERS.filter((h) => [...(h.access.read ?? []), ...(h.access.write ?? [])].length > 0);
    expect(users.length).toBeGreaterThan(2);
    for (const h of users) {
      const fns = service.findResources('AWS::Lambda::Function', {
        Properties: { Environment: { Variables: { POWERTOOLS_SERVICE_NAME: h.id } } },
      });
      expect(Object.values(fns)[0].Properties.Environment.Variables, h.id).toMatchObject({
        UPLOADS_BUCKET: { 'Fn::ImportValue': 'bacuda-dev-uploads-name' },
        CURATED_BUCKET: { 'Fn::ImportValue': 'bacuda-dev-curated-name' },
        RESULTS_BUCKET: { 'Fn::ImportValue': 'bacuda-dev-results-name' },
      });
    }
  });

  it('lets ingest read uploads/ of the uploads bucket, but never results/ of the results bucket', () => {
    const reads = statementsOf('Ingest')
      .filter((s) => actions(s).includes('s3:GetObject'))
      .map(resourceText)
      .join();
    expect(reads).toContain('bacuda-dev-uploads-arn"},"/uploads/*');
    expect(reads).toContain('bacuda-dev-results-arn"},"/manifests/*');
    expect(reads).not.toContain('/results/*');
  });

  it('lets ingest write curated/ of the curated bucket and quarantine/, but not uploads/ or results/', () => {
    const writes = statementsOf('Ingest')
      .filter((s) => actions(s).includes('s3:PutObject'))
      .map(resourceText)
      .join();
    expect(writes).toContain('bacuda-dev-curated-arn"},"/curated/*');
    expect(writes).toContain('bacuda-dev-uploads-arn"},"/quarantine/*');
    expect(writes).not.toContain('/uploads/*');
    expect(writes).not.toContain('/results/*');
  });

  it('scopes every object grant to a prefix that the store routes to that bucket', () => {
    const allowed: Record<string, string[]> = {
      uploads: ['uploads', 'quarantine'],
      curated: ['curated'],
      results: [...LAKE_LAYOUT.results],
      athenaResults: ['athena-results'],
    };
    for (const h of HANDLERS) {
      for (const s of statementsOf(h.id).filter((s) => actions(s).some((a) => a.startsWith('s3:')))) {
        for (const m of resourceText(s).matchAll(/bacuda-dev-(\w+)-arn"\},"\/([^/"]*)\/?/g)) {
          if (m[2] === '') continue; // bucket ARN itself (s3:ListBucket)
          expect(allowed[m[1]], `${h.id} ${m[0]}`).toContain(m[2]);
        }
      }
    }
  });

  it('grants only ingest the pseudonymisation keys', () => {
    const readers = HANDLERS.filter((h) =>
      statementsOf(h.id).some((s) => actions(s).includes('secretsmanager:GetSecretValue')),
    ).map((h) => h.id);
    expect(readers).toEqual(['Ingest']);
  });

  it('never grants a wildcard action or "*" resource except X-Ray', () => {
    for (const h of HANDLERS) {
      for (const s of statementsOf(h.id)) {
        for (const a of actions(s)) expect(a, `${h.id}`).not.toMatch(/\*/);
        if (s.Resource === '*')
          expect(
            actions(s).every((a) => a.startsWith('xray:')),
            `${h.id}`,
          ).toBe(true);
      }
    }
  });

  it('limits Athena use to the bacuda workgroup', () => {
    const athena = statementsOf('ForecastRevenue').find((s) =>
      actions(s).includes('athena:StartQueryExecution'),
    )!;
    expect(resourceText(athena)).toContain(':workgroup/bacuda-dev');
  });
});

describe('pipeline', () => {
  it('builds the state machine from the ASL file with substitutions, logging ALL and X-Ray', () => {
    service.hasResourceProperties('AWS::StepFunctions::StateMachine', {
      StateMachineName: 'bacuda-dev-pipeline',
      DefinitionSubstitutions: Match.objectLike({
        PrepareRunFunctionArn: Match.anyValue(),
        AlarmTopicArn: Match.anyValue(),
        ResultsBucket: { 'Fn::ImportValue': 'bacuda-dev-results-name' },
      }),
      LoggingConfiguration: Match.objectLike({ Level: 'ALL', IncludeExecutionData: false }),
      TracingConfiguration: { Enabled: true },
    });
  });

  it("lets the Distributed Map read its item list from the results bucket's results/ only", () => {
    const policies = service.findResources('AWS::IAM::Policy', {
      Properties: { Roles: [{ Ref: Match.stringLikeRegexp('^PipelinesPipelineRole') }] },
    });
    const reads = Object.values(policies)
      .flatMap((p) => p.Properties.PolicyDocument.Statement as Statement[])
      .filter((s) => actions(s).includes('s3:GetObject'))
      .map(resourceText)
      .join();
    expect(reads).toContain('bacuda-dev-results-arn"},"/results/*');
    expect(reads).not.toMatch(/uploads-arn|curated-arn/);
  });

  it('schedules a weekly run per administration with a dead-letter queue', () => {
    for (const admin of ['XAA', 'XBB']) {
      service.hasResourceProperties('AWS::Scheduler::Schedule', {
        ScheduleExpression: 'cron(0 3 ? * MON *)',
        Target: Match.objectLike({
          Input: JSON.stringify({ administration: admin, trigger: 'schedule' }),
          DeadLetterConfig: { Arn: Match.anyValue() },
        }),
      });
    }
  });

  it('starts the pipeline with the raw event when curated/ objects are created in the curated bucket', () => {
    service.hasResourceProperties('AWS::Events::Rule', {
      EventPattern: Match.objectLike({
        detail: {
          bucket: { name: [{ 'Fn::ImportValue': 'bacuda-dev-curated-name' }] },
          object: { key: [{ prefix: 'curated/' }] },
        },
      }),
      Targets: [
        Match.objectLike({
          Arn: { Ref: Match.stringLikeRegexp('PipelinesPipeline') },
          Input: Match.absent(),
        }),
      ],
    });
  });

  it('skips a state machine whose ASL names a function that is not wired, with a warning', () => {
    const partial = build(
      'dev',
      {},
      {
        handlers: HANDLERS.filter((h) => h.id !== 'PublishRun').map((h) => ({
          ...h,
          entry: 'test/infra/fixtures/handler.ts',
        })),
      },
    );
    partial.templates.service.resourceCountIs('AWS::StepFunctions::StateMachine', 0);
    const warnings = partial.service.node
      .findAll()
      .flatMap((c) => c.node.metadata.filter((m) => m.type === 'aws:cdk:warning').map((m) => String(m.data)));
    expect(warnings.join('\n')).toMatch(/PublishRunFunctionArn/);
  });
});

describe('API', () => {
  it('protects /v1/{proxy+} with the Cognito authorizer, the accepted scopes and an API key', () => {
    service.hasResourceProperties('AWS::ApiGateway::Method', {
      HttpMethod: 'ANY',
      AuthorizationType: 'COGNITO_USER_POOLS',
      AuthorizerId: Match.anyValue(),
      AuthorizationScopes: ['openid', 'fraud/score', 'data/upload', 'results/read'],
      ApiKeyRequired: true,
      RequestValidatorId: Match.anyValue(),
    });
    service.hasResourceProperties('AWS::ApiGateway::Authorizer', { Type: 'COGNITO_USER_POOLS' });
  });

  it('leaves only the access-request POST and the OpenAPI document unauthenticated', () => {
    const open = Object.values(
      service.findResources('AWS::ApiGateway::Method', { Properties: { AuthorizationType: 'NONE' } }),
    ).map((m) => m.Properties.HttpMethod);
    expect(open.sort()).toEqual(['GET', 'POST']);
  });

  it('validates the access-request body against a model', () => {
    service.hasResourceProperties('AWS::ApiGateway::Method', {
      HttpMethod: 'POST',
      AuthorizationType: 'NONE',
      RequestModels: { 'application/json': Match.anyValue() },
    });
    service.hasResourceProperties('AWS::ApiGateway::RequestValidator', { ValidateRequestBody: true });
  });

  it('defines the member-system scopes on resource servers', () => {
    for (const [id, scope] of [
      ['fraud', 'score'],
      ['data', 'upload'],
      ['results', 'read'],
    ]) {
      service.hasResourceProperties('AWS::Cognito::UserPoolResourceServer', {
        Identifier: id,
        Scopes: [Match.objectLike({ ScopeName: scope })],
      });
    }
  });

  it('requires MFA, has the three groups and an administration attribute', () => {
    service.hasResourceProperties('AWS::Cognito::UserPool', {
      MfaConfiguration: 'ON',
      AdminCreateUserConfig: { AllowAdminCreateUserOnly: true },
      Schema: Match.arrayWith([Match.objectLike({ Name: 'administration', Mutable: true })]),
    });
    for (const group of ['wco-admin', 'analyst', 'official']) {
      service.hasResourceProperties('AWS::Cognito::UserPoolGroup', { GroupName: group });
    }
  });

  it("adds the user's administration to access tokens with a V2 pre-token-generation trigger", () => {
    service.hasResourceProperties('AWS::Cognito::UserPool', {
      LambdaConfig: {
        PreTokenGenerationConfig: { LambdaVersion: 'V2_0', LambdaArn: Match.anyValue() },
      },
    });
  });

  it('gives each administration a client-credentials app client', () => {
    for (const admin of ['XAA', 'XBB']) {
      service.hasResourceProperties('AWS::Cognito::UserPoolClient', {
        ClientName: `member-system-${admin}`,
        GenerateSecret: true,
        AllowedOAuthFlows: ['client_credentials'],
      });
    }
  });

  it('throttles through usage plans and logs access in JSON', () => {
    service.hasResourceProperties('AWS::ApiGateway::UsagePlan', {
      Quota: { Limit: 100_000, Period: 'DAY' },
      Throttle: Match.objectLike({ RateLimit: 10 }),
    });
    service.hasResourceProperties('AWS::ApiGateway::Stage', {
      AccessLogSetting: { DestinationArn: Match.anyValue(), Format: Match.stringLikeRegexp('requestId') },
      TracingEnabled: true,
    });
  });

  it('attaches a WAF web ACL with managed rules and rate-based rules to the stage', () => {
    service.hasResourceProperties('AWS::WAFv2::WebACL', {
      Scope: 'REGIONAL',
      Rules: Match.arrayWith([
        Match.objectLike({
          Statement: {
            ManagedRuleGroupStatement: { VendorName: 'AWS', Name: 'AWSManagedRulesCommonRuleSet' },
          },
        }),
        Match.objectLike({ Statement: { RateBasedStatement: Match.objectLike({ Limit: 2000 }) } }),
      ]),
    });
    service.resourceCountIs('AWS::WAFv2::WebACLAssociation', 1);
    service.resourceCountIs('AWS::WAFv2::LoggingConfiguration', 1);
  });
});

describe('operations', () => {
  it('alarms on errors and throttles of every function', () => {
    for (const metric of ['Errors', 'Throttles']) {
      const alarms = service.findResources('AWS::CloudWatch::Alarm', {
        Properties: { MetricName: metric, Namespace: 'AWS/Lambda' },
      });
      expect(Object.keys(alarms)).toHaveLength(HANDLERS.length);
    }
  });

  it('alarms on dead letters, pipeline failures and failed Athena queries, all to the SNS topic', () => {
    service.hasResourceProperties('AWS::CloudWatch::Alarm', {
      MetricName: 'ApproximateNumberOfMessagesVisible',
    });
    service.hasResourceProperties('AWS::CloudWatch::Alarm', { MetricName: 'ExecutionsFailed' });
    service.hasResourceProperties('AWS::CloudWatch::Alarm', {
      Namespace: 'AWS/Athena',
      Dimensions: Match.arrayWith([{ Name: 'QueryState', Value: 'FAILED' }]),
    });
    for (const alarm of Object.values(service.findResources('AWS::CloudWatch::Alarm'))) {
      expect(alarm.Properties.AlarmActions).toHaveLength(1);
    }
  });

  it('encrypts the alarm topic and subscribes the configured email', () => {
    service.hasResourceProperties('AWS::SNS::Topic', { KmsMasterKeyId: Match.anyValue() });
    service.hasResourceProperties('AWS::SNS::Subscription', {
      Protocol: 'email',
      Endpoint: 'ops@example.org',
    });
  });

  it('has a dashboard', () => {
    service.resourceCountIs('AWS::CloudWatch::Dashboard', 1);
  });
});

describe('portal', () => {
  it('serves the site bucket through CloudFront with origin access control only', () => {
    portal.resourceCountIs('AWS::CloudFront::OriginAccessControl', 1);
    portal.hasResourceProperties('AWS::S3::BucketPolicy', {
      PolicyDocument: {
        Statement: Match.arrayWith([
          Match.objectLike({ Principal: { Service: 'cloudfront.amazonaws.com' }, Action: 's3:GetObject' }),
        ]),
      },
    });
  });

  it('adds security headers and fronts the API at /v1/* without caching', () => {
    portal.hasResourceProperties('AWS::CloudFront::ResponseHeadersPolicy', {
      ResponseHeadersPolicyConfig: Match.objectLike({
        SecurityHeadersConfig: Match.objectLike({
          StrictTransportSecurity: Match.objectLike({ AccessControlMaxAgeSec: 31_536_000 }),
          FrameOptions: { FrameOption: 'DENY', Override: true },
        }),
      }),
    });
    const csps = Object.values(portal.findResources('AWS::CloudFront::ResponseHeadersPolicy')).map((p) =>
      JSON.stringify(p.Properties.ResponseHeadersPolicyConfig.SecurityHeadersConfig.ContentSecurityPolicy),
    );
    for (const csp of csps) {
      expect(csp).toContain("default-src 'self'");
      expect(csp).toContain("frame-ancestors 'none'");
    }
    portal.hasResourceProperties('AWS::CloudFront::Distribution', {
      DistributionConfig: Match.objectLike({
        CacheBehaviors: Match.arrayWith([
          Match.objectLike({ PathPattern: '/v1/*', ViewerProtocolPolicy: 'https-only' }),
        ]),
        Logging: Match.objectLike({ Prefix: 'cdn/' }),
      }),
    });
  });

  it("allows 'unsafe-eval' only on the pages that embed Vega", () => {
    const csps = Object.values(portal.findResources('AWS::CloudFront::ResponseHeadersPolicy')).map((p) =>
      JSON.stringify(p.Properties.ResponseHeadersPolicyConfig.SecurityHeadersConfig.ContentSecurityPolicy),
    );
    expect(csps.filter((c) => c.includes('unsafe-eval'))).toHaveLength(1);
    portal.hasResourceProperties('AWS::CloudFront::Distribution', {
      DistributionConfig: Match.objectLike({
        CacheBehaviors: Match.arrayWith([Match.objectLike({ PathPattern: '/pages/mirror.html' })]),
      }),
    });
  });
});
