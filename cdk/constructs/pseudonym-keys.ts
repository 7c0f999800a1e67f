import { type RemovalPolicy, Validations } from 'aws-cdk-lib';
import type { IGrantable } from 'aws-cdk-lib/aws-iam';
import type { IKey } from 'aws-cdk-lib/aws-kms';
import { Secret } from 'aws-cdk-lib/aws-secretsmanager';
import { Construct } from 'constructs';

export interface PseudonymKeysProps {
  envName: string;
  administrations: readonly string[];
  key: IKey;
  removalPolicy: RemovalPolicy;
}

/**
 * One HMAC key per administration, used on ingest to pseudonymise importer/declarant/seller/courier
 * identifiers. Separate secrets keep administrations' pseudonyms unlinkable and let one be rotated
 * without touching the others. Secret names: `bacuda/<env>/pseudonym-key/<ADMIN>`.
 */
export class PseudonymKeys extends Construct {
  readonly secrets: ReadonlyMap<string, Secret>;
  /** Name prefix a handler appends the administration code to. */
  readonly namePrefix: string;

  constructor(scope: Construct, id: string, props: PseudonymKeysProps) {
    super(scope, id);
    this.namePrefix = `bacuda/${props.envName}/pseudonym-key/`;
    const secrets = new Map<string, Secret>();
    for (const admin of props.administrations) {
      const secret = new Secret(this, admin, {
        secretName: `${this.namePrefix}${admin}`,
        description: `HMAC key pseudonymising identifiers of administration ${admin}`,
        encryptionKey: props.key,
        removalPolicy: props.removalPolicy,
        // 64 hex characters = a 256-bit HMAC key, the format shared/adapters/secrets-manager-key-store.ts reads.
        generateSecretString: {
          passwordLength: 64,
          excludeUppercase: true,
          excludePunctuation: true,
          includeSpace: false,
          excludeCharacters: 'ghijklmnopqrstuvwxyz',
        },
      });
      const reason =
        'Deliberately not auto-rotated: a new key changes every pseudonym and resets importer/declarant ' +
        'risk profiles; rotation is a planned procedure with re-keying (docs/deploy.md).';
      Validations.of(secret).acknowledge({ id: 'AwsSolutions-SMG4', reason });
      Validations.of(secret).acknowledge({ id: 'NIST.800.53.R5-SecretsManagerRotationEnabled', reason });
      secrets.set(admin, secret);
    }
    this.secrets = secrets;
  }

  /** Lets the ingest handler read every administration's key (it pseudonymises uploads of all of them). */
  grantRead(grantee: IGrantable): void {
    for (const secret of this.secrets.values()) secret.grantRead(grantee);
  }
}
