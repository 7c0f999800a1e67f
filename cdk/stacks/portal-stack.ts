import { CfnOutput, Stack, type StackProps } from 'aws-cdk-lib';
import type { Construct } from 'constructs';
import type { EnvConfig } from '../config.ts';
import { Portal } from '../constructs/portal.ts';
import type { ServiceStack } from './service-stack.ts';

export interface PortalStackProps extends StackProps {
  config: EnvConfig;
  service: ServiceStack;
}

/** The web portal and its CloudFront distribution (which also fronts the API at /v1/*). */
export class PortalStack extends Stack {
  readonly portal: Portal;

  constructor(scope: Construct, id: string, props: PortalStackProps) {
    super(scope, id, props);
    const { service, config } = props;
    if (!service.api) throw new Error('the portal needs the API: functions/api/index.ts must exist');
    this.portal = new Portal(this, 'Portal', {
      envName: config.envName,
      restApi: service.api.restApi,
      portalKeySecret: service.api.portalKeySecret,
      userPool: service.identity.userPool,
      scopes: service.identity.scopes.filter((s) => s.scopeName !== 'fraud/score'),
      cognitoDomain: `${service.identity.domainPrefix}.auth.${this.region}.amazoncognito.com`,
      removalPolicy: config.removalPolicy,
    });
    new CfnOutput(this, 'PortalUrl', { value: `https://${this.portal.distribution.distributionDomainName}` });
    new CfnOutput(this, 'PortalBucket', { value: this.portal.bucket.bucketName });
    new CfnOutput(this, 'PortalClientId', { value: this.portal.client.userPoolClientId });
    new CfnOutput(this, 'DistributionId', { value: this.portal.distribution.distributionId });
  }
}
