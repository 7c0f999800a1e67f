import { Aws, Duration, type RemovalPolicy, Validations } from 'aws-cdk-lib';
import {
  AccountRecovery,
  FeaturePlan,
  Mfa,
  OAuthScope,
  ResourceServerScope,
  StandardThreatProtectionMode,
  StringAttribute,
  UserPool,
  type UserPoolClient,
  UserPoolResourceServer,
  type UserPool as UserPoolType,
} from 'aws-cdk-lib/aws-cognito';
import { Construct } from 'constructs';

/** Cognito groups; the API's authorisation code decides what each may do. */
export const USER_GROUPS = ['wco-admin', 'analyst', 'official'] as const;

/**
 * Scopes of member-system (machine) clients. Cognito scope names cannot contain "/", so each scope is
 * its own resource server: identifier "fraud" + scope "score" gives the token scope "fraud/score".
 */
export const MEMBER_SCOPES = [
  { server: 'fraud', scope: 'score', description: 'Score declarations for fraud risk' },
  { server: 'data', scope: 'upload', description: 'Upload declaration and trade files' },
  { server: 'results', scope: 'read', description: 'Read approved results of the own administration' },
] as const;

export interface IdentityProps {
  envName: string;
  administrations: readonly string[];
  removalPolicy: RemovalPolicy;
}

/**
 * The Cognito user pool of officials, analysts and WCO admins (MFA required, no self sign-up: users are
 * created when a wco-admin approves an access request), its hosted-UI domain, the resource servers of
 * the member-system scopes, and one client-credentials app client per administration.
 */
export class Identity extends Construct {
  readonly userPool: UserPoolType;
  readonly scopes: OAuthScope[];
  /** client → administration; the API maps machine tokens (which carry no user attributes) with it. */
  readonly memberClients = new Map<string, UserPoolClient>();
  readonly domainPrefix: string;

  constructor(scope: Construct, id: string, props: IdentityProps) {
    super(scope, id);
    this.userPool = new UserPool(this, 'Users', {
      userPoolName: `bacuda-${props.envName}`,
      selfSignUpEnabled: false,
      signInAliases: { email: true },
      signInCaseSensitive: false,
      mfa: Mfa.REQUIRED,
      mfaSecondFactor: { otp: true, sms: false },
      passwordPolicy: {
        minLength: 14,
        requireDigits: true,
        requireLowercase: true,
        requireUppercase: true,
        requireSymbols: true,
        tempPasswordValidity: Duration.days(3),
      },
      accountRecovery: AccountRecovery.EMAIL_ONLY,
      featurePlan: FeaturePlan.PLUS,
      standardThreatProtectionMode: StandardThreatProtectionMode.FULL_FUNCTION,
      customAttributes: {
        // Set by wco-admins only: app clients get no write access to it (see writeAttributes below).
        administration: new StringAttribute({ minLen: 2, maxLen: 10, mutable: true }),
      },
      deletionProtection: props.removalPolicy === 'retain',
      removalPolicy: props.removalPolicy,
    });
    for (const group of USER_GROUPS) {
      this.userPool.addGroup(`Group-${group}`, { groupName: group, description: `bacuda ${group}` });
    }
    this.domainPrefix = `bacuda-${props.envName}-${Aws.ACCOUNT_ID}`;
    this.userPool.addDomain('Domain', { cognitoDomain: { domainPrefix: this.domainPrefix } });

    this.scopes = MEMBER_SCOPES.map(({ server, scope, description }) => {
      const s = new ResourceServerScope({ scopeName: scope, scopeDescription: description });
      const rs = new UserPoolResourceServer(this, `Scopes-${server}`, {
        userPool: this.userPool,
        identifier: server,
        scopes: [s],
      });
      return OAuthScope.resourceServer(rs, s);
    });

    for (const admin of props.administrations) {
      const client = this.userPool.addClient(`MemberSystem-${admin}`, {
        userPoolClientName: `member-system-${admin}`,
        generateSecret: true,
        oAuth: { flows: { clientCredentials: true }, scopes: this.scopes },
        accessTokenValidity: Duration.hours(1),
        enableTokenRevocation: true,
        preventUserExistenceErrors: true,
      });
      this.memberClients.set(admin, client);
    }

    Validations.of(this.userPool).acknowledge({
      id: 'NIST.800.53.R5-CognitoUserPoolAdvancedSecurityModeEnforced',
      reason:
        'Threat protection is set through the current FeaturePlan.PLUS + StandardThreatProtectionMode.FULL_FUNCTION properties, which replace AdvancedSecurityMode.',
    });
  }

  /** https://cognito-idp.<region>.amazonaws.com/<pool id>: the `iss` of every token of this pool. */
  get issuer(): string {
    return `https://cognito-idp.${Aws.REGION}.amazonaws.com/${this.userPool.userPoolId}`;
  }
}
