import { Stack, Validations } from 'aws-cdk-lib';
// cdk-nag's own flattening, so the acknowledged id is exactly the one the rule reports.
import { flattenCfnReference } from 'cdk-nag/lib/utils/flatten-cfn-reference.js';
import type { IConstruct } from 'constructs';

/**
 * Acknowledges the AwsSolutions-IAM5 finding for one wildcard resource of a policy on `scope`.
 * Only for resources of the same stack (or fixed strings): cross-stack references are rewritten into
 * imports after construction, so their final form is not known here (see lake-refs.ts for those).
 */
export function acknowledgeWildcardResource(scope: IConstruct, resource: string, reason: string): void {
  const flat = flattenCfnReference(Stack.of(scope).resolve(resource));
  Validations.of(scope).acknowledge({ id: `AwsSolutions-IAM5[Resource::${flat}]`, reason });
}
