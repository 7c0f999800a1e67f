import { Duration, type RemovalPolicy, Validations } from 'aws-cdk-lib';
import type { RestApi } from 'aws-cdk-lib/aws-apigateway';
import {
  AllowedMethods,
  CachePolicy,
  Distribution,
  HeadersFrameOption,
  HeadersReferrerPolicy,
  OriginRequestPolicy,
  ResponseHeadersPolicy,
  ViewerProtocolPolicy,
} from 'aws-cdk-lib/aws-cloudfront';
import { RestApiOrigin, S3BucketOrigin } from 'aws-cdk-lib/aws-cloudfront-origins';
import { type IUserPool, OAuthScope, UserPoolClient } from 'aws-cdk-lib/aws-cognito';
import { BlockPublicAccess, Bucket, BucketEncryption, ObjectOwnership } from 'aws-cdk-lib/aws-s3';
import type { ISecret } from 'aws-cdk-lib/aws-secretsmanager';
import { Construct } from 'constructs';
import { portalCsp, VEGA_PAGES } from '../../shared/http/portal-csp.ts';

export interface PortalProps {
  envName: string;
  restApi: RestApi;
  /** Its value becomes the x-api-key CloudFront adds to /v1/* requests (the portal usage plan). */
  portalKeySecret: ISecret;
  userPool: IUserPool;
  /** Scopes the portal's user tokens may carry besides openid/email/profile. */
  scopes: OAuthScope[];
  cognitoDomain: string;
  removalPolicy: RemovalPolicy;
}

/**
 * The portal: static files in a private bucket behind CloudFront (origin access control), with the API
 * under the same origin at /v1/* (so the browser needs no CORS and WAF/usage plans see every call), strict
 * security headers on every response, CloudFront access logs, and the hosted-UI app client.
 */
export class Portal extends Construct {
  readonly bucket: Bucket;
  readonly distribution: Distribution;
  readonly client: UserPoolClient;

  constructor(scope: Construct, id: string, props: PortalProps) {
    super(scope, id);
    // CloudFront standard logs need ACLs on the target and SSE-S3 (they cannot use a customer KMS key).
    const logs = new Bucket(this, 'Logs', {
      blockPublicAccess: BlockPublicAccess.BLOCK_ALL,
      encryption: BucketEncryption.S3_MANAGED,
      enforceSSL: true,
      versioned: true,
      objectOwnership: ObjectOwnership.BUCKET_OWNER_PREFERRED,
      removalPolicy: props.removalPolicy,
      lifecycleRules: [{ expiration: Duration.days(365), noncurrentVersionExpiration: Duration.days(30) }],
    });
    const logTarget =
      'CloudFront standard-log target: logging it would loop, and CloudFront log delivery requires SSE-S3.';
    Validations.of(logs).acknowledge({ id: 'AwsSolutions-S1', reason: logTarget });
    Validations.of(logs).acknowledge({ id: 'NIST.800.53.R5-S3BucketLoggingEnabled', reason: logTarget });
    Validations.of(logs).acknowledge({ id: 'NIST.800.53.R5-S3DefaultEncryptionKMS', reason: logTarget });

    this.bucket = new Bucket(this, 'Site', {
      blockPublicAccess: BlockPublicAccess.BLOCK_ALL,
      // The portal's HTML/JS/CSS are public by nature (served to anyone who loads the page); no data lives here.
      encryption: BucketEncryption.S3_MANAGED,
      enforceSSL: true,
      versioned: true,
      objectOwnership: ObjectOwnership.BUCKET_OWNER_ENFORCED,
      serverAccessLogsBucket: logs,
      serverAccessLogsPrefix: 'site-access/',
      removalPolicy: props.removalPolicy,
      lifecycleRules: [{ noncurrentVersionExpiration: Duration.days(30) }],
    });
    Validations.of(this.bucket).acknowledge({
      id: 'NIST.800.53.R5-S3DefaultEncryptionKMS',
      reason:
        'Holds only the public web app (HTML/JS/CSS served to every visitor); SSE-S3 suffices and keeps OAC free of KMS grants.',
    });
    for (const b of [logs, this.bucket]) {
      Validations.of(b).acknowledge({
        id: 'NIST.800.53.R5-S3BucketReplicationEnabled',
        reason: 'Rebuilt from the repository (site) or disposable (logs); a cross-region copy adds nothing.',
      });
    }

    const securityHeaders = (id: string, allowEval: boolean) =>
      new ResponseHeadersPolicy(this, id, {
        comment: `bacuda portal security headers${allowEval ? ' (Vega pages)' : ''}`,
        securityHeadersBehavior: {
          contentSecurityPolicy: {
            contentSecurityPolicy: portalCsp({ identityOrigin: `https://${props.cognitoDomain}`, allowEval }),
            override: true,
          },
          strictTransportSecurity: {
            accessControlMaxAge: Duration.days(365),
            includeSubdomains: true,
            preload: true,
            override: true,
          },
          contentTypeOptions: { override: true },
          frameOptions: { frameOption: HeadersFrameOption.DENY, override: true },
          referrerPolicy: {
            referrerPolicy: HeadersReferrerPolicy.STRICT_ORIGIN_WHEN_CROSS_ORIGIN,
            override: true,
          },
          xssProtection: { protection: true, modeBlock: true, override: true },
        },
        customHeadersBehavior: {
          customHeaders: [
            {
              header: 'Permissions-Policy',
              value: 'camera=(), microphone=(), geolocation=()',
              override: true,
            },
          ],
        },
      });
    const headers = securityHeaders('SecurityHeaders', false);
    const vegaHeaders = securityHeaders('VegaPageSecurityHeaders', true);
    const siteOrigin = S3BucketOrigin.withOriginAccessControl(this.bucket);

    this.distribution = new Distribution(this, 'Cdn', {
      comment: `bacuda ${props.envName} portal`,
      defaultRootObject: 'index.html',
      defaultBehavior: {
        origin: siteOrigin,
        viewerProtocolPolicy: ViewerProtocolPolicy.REDIRECT_TO_HTTPS,
        cachePolicy: CachePolicy.CACHING_OPTIMIZED,
        responseHeadersPolicy: headers,
      },
      additionalBehaviors: {
        // Only the pages that embed Vega get a policy allowing its expression compiler (see portalCsp).
        ...Object.fromEntries(
          VEGA_PAGES.map((page) => [
            `/${page}`,
            {
              origin: siteOrigin,
              viewerProtocolPolicy: ViewerProtocolPolicy.REDIRECT_TO_HTTPS,
              cachePolicy: CachePolicy.CACHING_OPTIMIZED,
              responseHeadersPolicy: vegaHeaders,
            },
          ]),
        ),
        '/v1/*': {
          origin: new RestApiOrigin(props.restApi, {
            customHeaders: { 'x-api-key': props.portalKeySecret.secretValue.unsafeUnwrap() },
          }),
          viewerProtocolPolicy: ViewerProtocolPolicy.HTTPS_ONLY,
          allowedMethods: AllowedMethods.ALLOW_ALL,
          cachePolicy: CachePolicy.CACHING_DISABLED,
          originRequestPolicy: OriginRequestPolicy.ALL_VIEWER_EXCEPT_HOST_HEADER,
          responseHeadersPolicy: headers,
        },
      },
      enableLogging: true,
      logBucket: logs,
      logFilePrefix: 'cdn/',
    });
    Validations.of(this.distribution).acknowledge({
      id: 'AwsSolutions-CFR1',
      reason: 'WCO members are customs administrations worldwide; no country can be excluded.',
    });
    Validations.of(this.distribution).acknowledge({
      id: 'AwsSolutions-CFR2',
      reason:
        'The distribution serves static files; every data request (/v1/*) passes the regional WAF web ACL on API Gateway (managed rules + rate rules). A CLOUDFRONT-scope ACL would have to live in us-east-1.',
    });
    Validations.of(this.distribution).acknowledge({
      id: 'AwsSolutions-CFR4',
      reason:
        'With the default *.cloudfront.net certificate CloudFront cannot pin the viewer TLS policy; attach a custom domain and ACM certificate (docs/deploy.md) to enforce TLSv1.2_2021.',
    });

    // Created in this stack (not userPool.addClient) because its callback URL names the distribution.
    this.client = new UserPoolClient(this, 'PortalClient', {
      userPool: props.userPool,
      userPoolClientName: 'portal',
      generateSecret: false,
      authFlows: { userSrp: true },
      oAuth: {
        flows: { authorizationCodeGrant: true },
        scopes: [OAuthScope.OPENID, OAuthScope.EMAIL, OAuthScope.PROFILE, ...props.scopes],
        callbackUrls: [`https://${this.distribution.distributionDomainName}/callback`],
        logoutUrls: [`https://${this.distribution.distributionDomainName}/`],
      },
      accessTokenValidity: Duration.minutes(60),
      idTokenValidity: Duration.minutes(60),
      refreshTokenValidity: Duration.hours(12),
      enableTokenRevocation: true,
      preventUserExistenceErrors: true,
    });
  }
}
