import { ArnFormat, Duration, type RemovalPolicy, Stack, Validations } from 'aws-cdk-lib';
import {
  AccessLogFormat,
  ApiKey,
  AuthorizationType,
  CognitoUserPoolsAuthorizer,
  EndpointType,
  type IResource,
  JsonSchemaType,
  LambdaIntegration,
  LogGroupLogDestination,
  MethodLoggingLevel,
  Model,
  Period,
  RequestValidator,
  RestApi,
  type UsagePlan,
} from 'aws-cdk-lib/aws-apigateway';
import type { IUserPool } from 'aws-cdk-lib/aws-cognito';
import type { IKey } from 'aws-cdk-lib/aws-kms';
import type { IFunction } from 'aws-cdk-lib/aws-lambda';
import { LogGroup } from 'aws-cdk-lib/aws-logs';
import { Secret } from 'aws-cdk-lib/aws-secretsmanager';
import { CfnLoggingConfiguration, CfnWebACL, CfnWebACLAssociation } from 'aws-cdk-lib/aws-wafv2';
import { Construct } from 'constructs';

export interface ApiProps {
  envName: string;
  handler: IFunction;
  userPool: IUserPool;
  /** Machine scopes (fraud/score, data/upload, results/read); user tokens pass with `openid`. */
  scopeNames: string[];
  administrations: readonly string[];
  opsKey: IKey;
  rateLimit: number;
  burstLimit: number;
  memberQuotaPerDay: number;
  wafRateLimitPer5Min: number;
  logRetentionDays: number;
  removalPolicy: RemovalPolicy;
}

/** Unauthenticated routes (API Gateway picks the most specific resource, so they override /v1/{proxy+}). */
export const PUBLIC_ROUTES = [
  { path: 'access-requests', method: 'POST' },
  { path: 'openapi.json', method: 'GET' },
] as const;

/**
 * REST API: every route under /v1 proxies to the one API Lambda (the router and authorisation live in
 * functions/api). API Gateway adds the outer checks: Cognito access tokens with one of the accepted scopes,
 * an API key per caller class (portal via CloudFront, each member system) with usage-plan throttling and
 * quotas, request validation, access logs, X-Ray, and a regional WAF web ACL.
 */
export class Api extends Construct {
  readonly restApi: RestApi;
  readonly authorizer: CognitoUserPoolsAuthorizer;
  /** The key CloudFront adds (x-api-key) to portal traffic; its value lives in Secrets Manager. */
  readonly portalKeySecret: Secret;
  readonly memberPlan: UsagePlan;
  readonly webAcl: CfnWebACL;

  constructor(scope: Construct, id: string, props: ApiProps) {
    super(scope, id);
    const accessLogs = new LogGroup(this, 'AccessLogs', {
      retention: props.logRetentionDays,
      encryptionKey: props.opsKey,
      removalPolicy: props.removalPolicy,
    });
    this.restApi = new RestApi(this, 'Rest', {
      restApiName: `bacuda-${props.envName}`,
      description: 'bacuda REST API (/v1)',
      endpointTypes: [EndpointType.REGIONAL],
      // Execution logs need the account-level API Gateway CloudWatch role.
      cloudWatchRole: true,
      cloudWatchRoleRemovalPolicy: props.removalPolicy,
      minCompressionSize: undefined,
      deployOptions: {
        stageName: 'api',
        accessLogDestination: new LogGroupLogDestination(accessLogs),
        accessLogFormat: AccessLogFormat.jsonWithStandardFields({
          caller: true,
          httpMethod: true,
          ip: true,
          protocol: true,
          requestTime: true,
          resourcePath: true,
          responseLength: true,
          status: true,
          user: true,
        }),
        loggingLevel: MethodLoggingLevel.ERROR,
        // Bodies carry customs data: never written to execution logs.
        dataTraceEnabled: false,
        tracingEnabled: true,
        metricsEnabled: true,
        throttlingRateLimit: props.rateLimit,
        throttlingBurstLimit: props.burstLimit,
      },
    });

    this.authorizer = new CognitoUserPoolsAuthorizer(this, 'Authorizer', {
      cognitoUserPools: [props.userPool],
      authorizerName: 'cognito',
      resultsCacheTtl: Duration.minutes(5),
    });
    const integration = new LambdaIntegration(props.handler, { proxy: true, timeout: Duration.seconds(29) });
    const paramsValidator = new RequestValidator(this, 'ParamsValidator', {
      restApi: this.restApi,
      validateRequestParameters: true,
    });
    const bodyValidator = new RequestValidator(this, 'BodyValidator', {
      restApi: this.restApi,
      validateRequestBody: true,
      validateRequestParameters: true,
    });
    const authorized = {
      authorizer: this.authorizer,
      authorizationType: AuthorizationType.COGNITO,
      // API Gateway accepts an access token carrying any one of these; functions/api checks the exact scope
      // each route needs. Users' tokens (hosted UI, code grant) carry `openid`.
      authorizationScopes: ['openid', ...props.scopeNames],
      apiKeyRequired: true,
      requestValidator: paramsValidator,
    };

    const v1 = this.restApi.root.addResource('v1');
    const addAuthorizedProxy = (parent: IResource) =>
      parent.addProxy({ anyMethod: false }).addMethod('ANY', integration, authorized);
    addAuthorizedProxy(v1);

    const accessRequestModel = new Model(this, 'AccessRequestModel', {
      restApi: this.restApi,
      contentType: 'application/json',
      description: 'POST /v1/access-requests body (the API validates the fields in detail)',
      schema: {
        type: JsonSchemaType.OBJECT,
        required: ['email', 'administration'],
        properties: {
          email: { type: JsonSchemaType.STRING, maxLength: 254 },
          administration: { type: JsonSchemaType.STRING, pattern: '^[A-Z]{2,8}$' },
        },
        maxProperties: 20,
      },
    });
    for (const route of PUBLIC_ROUTES) {
      const resource = v1.addResource(route.path);
      const method = resource.addMethod(route.method, integration, {
        authorizationType: AuthorizationType.NONE,
        apiKeyRequired: true,
        requestValidator: route.method === 'POST' ? bodyValidator : paramsValidator,
        requestModels: route.method === 'POST' ? { 'application/json': accessRequestModel } : undefined,
      });
      // Other methods and sub-paths of a public resource still need a token.
      resource.addMethod('ANY', integration, authorized);
      addAuthorizedProxy(resource);
      const reason = `${route.method} /v1/${route.path} is public by design (issue 9: ${
        route.path === 'access-requests'
          ? 'people without an account request access'
          : 'the API description is public'
      }); it needs the portal API key, is rate-limited by the usage plan and WAF, and the Lambda validates the body.`;
      Validations.of(method).acknowledge({ id: 'AwsSolutions-APIG4', reason });
      Validations.of(method).acknowledge({ id: 'AwsSolutions-COG4', reason });
    }

    // Usage plans: the portal (all browser traffic, via CloudFront) and one key per member system.
    this.portalKeySecret = new Secret(this, 'PortalApiKeyValue', {
      description:
        'Value of the API key CloudFront adds to portal requests (usage-plan metering, not authentication)',
      encryptionKey: props.opsKey,
      generateSecretString: { passwordLength: 40, excludePunctuation: true, includeSpace: false },
      removalPolicy: props.removalPolicy,
    });
    const rotationReason =
      'An API key value identifies a usage plan and is not a credential (authentication is Cognito); rotating it means redeploying CloudFront, done with the stack.';
    Validations.of(this.portalKeySecret).acknowledge({ id: 'AwsSolutions-SMG4', reason: rotationReason });
    Validations.of(this.portalKeySecret).acknowledge({
      id: 'NIST.800.53.R5-SecretsManagerRotationEnabled',
      reason: rotationReason,
    });
    const portalKey = new ApiKey(this, 'PortalKey', {
      apiKeyName: `bacuda-${props.envName}-portal`,
      value: this.portalKeySecret.secretValue.unsafeUnwrap(),
    });
    const portalPlan = this.restApi.addUsagePlan('PortalPlan', {
      name: `bacuda-${props.envName}-portal`,
      throttle: { rateLimit: props.rateLimit, burstLimit: props.burstLimit },
      apiStages: [{ api: this.restApi, stage: this.restApi.deploymentStage }],
    });
    portalPlan.addApiKey(portalKey);
    this.memberPlan = this.restApi.addUsagePlan('MemberPlan', {
      name: `bacuda-${props.envName}-member-systems`,
      throttle: {
        rateLimit: Math.max(1, props.rateLimit / 5),
        burstLimit: Math.max(1, Math.floor(props.burstLimit / 5)),
      },
      quota: { limit: props.memberQuotaPerDay, period: Period.DAY },
      apiStages: [{ api: this.restApi, stage: this.restApi.deploymentStage }],
    });
    for (const admin of props.administrations) {
      this.memberPlan.addApiKey(
        new ApiKey(this, `MemberKey-${admin}`, { apiKeyName: `bacuda-${props.envName}-member-${admin}` }),
      );
    }

    this.webAcl = this.makeWebAcl(props);
    new CfnWebACLAssociation(this, 'WafAssociation', {
      resourceArn: this.restApi.deploymentStage.stageArn,
      webAclArn: this.webAcl.attrArn,
    });

    Validations.of(this.restApi).acknowledge({
      id: 'AwsSolutions-IAM4[Policy::arn:<AWS::Partition>:iam::aws:policy/service-role/AmazonAPIGatewayPushToCloudWatchLogs]',
      reason:
        'The account-level role API Gateway assumes to write execution logs; this AWS-managed policy is the one AWS documents for it and API Gateway names the log groups itself.',
    });
    Validations.of(this.restApi).acknowledge({
      id: 'NIST.800.53.R5-APIGWCacheEnabledAndEncrypted',
      reason:
        'Responses are per caller and per administration (confidential); a stage cache could serve data of one caller to another.',
    });
    Validations.of(this.restApi).acknowledge({
      id: 'NIST.800.53.R5-APIGWSSLEnabled',
      reason:
        'Client certificates authenticate API Gateway to HTTP backends; the only backend is a Lambda proxy integration, invoked through the signed AWS Lambda API.',
    });
  }

  private makeWebAcl(props: ApiProps): CfnWebACL {
    const stack = Stack.of(this);
    const visibility = (name: string) => ({
      cloudWatchMetricsEnabled: true,
      metricName: `bacuda-${props.envName}-${name}`,
      sampledRequestsEnabled: true,
    });
    const managed = (name: string, priority: number) => ({
      name,
      priority,
      overrideAction: { none: {} },
      statement: { managedRuleGroupStatement: { vendorName: 'AWS', name } },
      visibilityConfig: visibility(name),
    });
    const acl = new CfnWebACL(this, 'Waf', {
      name: `bacuda-${props.envName}-api`,
      scope: 'REGIONAL',
      defaultAction: { allow: {} },
      visibilityConfig: visibility('api'),
      rules: [
        managed('AWSManagedRulesAmazonIpReputationList', 0),
        managed('AWSManagedRulesCommonRuleSet', 1),
        managed('AWSManagedRulesKnownBadInputsRuleSet', 2),
        managed('AWSManagedRulesSQLiRuleSet', 3),
        {
          // Portal traffic arrives from CloudFront, which puts the viewer's address in X-Forwarded-For.
          name: 'RatePerViewerIp',
          priority: 10,
          action: { block: {} },
          statement: {
            rateBasedStatement: {
              limit: props.wafRateLimitPer5Min,
              aggregateKeyType: 'FORWARDED_IP',
              forwardedIpConfig: { headerName: 'X-Forwarded-For', fallbackBehavior: 'MATCH' },
            },
          },
          visibilityConfig: visibility('rate-viewer-ip'),
        },
        {
          // Direct callers could forge X-Forwarded-For; this bounds each connecting address too
          // (CloudFront edges aggregate many viewers, hence the higher limit).
          name: 'RatePerSourceIp',
          priority: 11,
          action: { block: {} },
          statement: {
            rateBasedStatement: { limit: props.wafRateLimitPer5Min * 10, aggregateKeyType: 'IP' },
          },
          visibilityConfig: visibility('rate-source-ip'),
        },
        {
          // The unauthenticated access-request form: a much lower ceiling per viewer.
          name: 'RateAccessRequests',
          priority: 12,
          action: { block: {} },
          statement: {
            rateBasedStatement: {
              limit: 100,
              aggregateKeyType: 'FORWARDED_IP',
              forwardedIpConfig: { headerName: 'X-Forwarded-For', fallbackBehavior: 'MATCH' },
              scopeDownStatement: {
                byteMatchStatement: {
                  fieldToMatch: { uriPath: {} },
                  positionalConstraint: 'CONTAINS',
                  searchString: '/v1/access-requests',
                  textTransformations: [{ priority: 0, type: 'LOWERCASE' }],
                },
              },
            },
          },
          visibilityConfig: visibility('rate-access-requests'),
        },
      ],
    });
    // WAF only logs to log groups whose name starts with aws-waf-logs-.
    const wafLogs = new LogGroup(this, 'WafLogs', {
      logGroupName: `aws-waf-logs-bacuda-${props.envName}-${stack.region}`,
      retention: props.logRetentionDays,
      encryptionKey: props.opsKey,
      removalPolicy: props.removalPolicy,
    });
    new CfnLoggingConfiguration(this, 'WafLogging', {
      resourceArn: acl.attrArn,
      logDestinationConfigs: [
        // WAF wants the ARN without the ":*" suffix the LogGroup attribute carries.
        stack.formatArn({
          service: 'logs',
          resource: 'log-group',
          resourceName: wafLogs.logGroupName,
          arnFormat: ArnFormat.COLON_RESOURCE_NAME,
        }),
      ],
      // Never log the token.
      redactedFields: [{ singleHeader: { Name: 'authorization' } }, { singleHeader: { Name: 'x-api-key' } }],
    });
    return acl;
  }
}
