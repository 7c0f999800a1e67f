import type { IKey } from 'aws-cdk-lib/aws-kms';
import { Topic } from 'aws-cdk-lib/aws-sns';
import { EmailSubscription } from 'aws-cdk-lib/aws-sns-subscriptions';
import { Construct } from 'constructs';

/** The one place operators subscribe to: alarms and pipeline failure notices. KMS-encrypted, TLS-only. */
export class AlarmTopic extends Construct {
  readonly topic: Topic;

  constructor(scope: Construct, id: string, props: { envName: string; key: IKey; email?: string }) {
    super(scope, id);
    this.topic = new Topic(this, 'Topic', {
      displayName: `bacuda ${props.envName} alarms`,
      masterKey: props.key,
      enforceSSL: true,
    });
    if (props.email) this.topic.addSubscription(new EmailSubscription(props.email));
  }
}
