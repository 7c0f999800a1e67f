import { Validations } from 'aws-cdk-lib';
import { AwsSolutionsChecks, NIST80053R5Checks } from 'cdk-nag';
import type { IConstruct } from 'constructs';
import { describe, expect, it } from 'vitest';
import { build } from './build.ts';

const built = build('prod', { keepData: true });

function findings(pack: AwsSolutionsChecks | NIST80053R5Checks) {
  return pack
    .validateScope(built.app)
    .violations.flatMap((v) =>
      v.violatingResources.map((r) => `${v.ruleName} at ${r.constructPath}: ${v.description}`),
    );
}

function acknowledgements(root: IConstruct): { id: string; reason: string; path: string }[] {
  return root.node.findAll().flatMap((c) =>
    c.node.metadata
      .filter((m) => m.type === Validations.ACKNOWLEDGED_RULES_METADATA_KEY)
      .flatMap((m) =>
        Object.entries(m.data as Record<string, string>).map(([id, reason]) => ({
          id,
          reason,
          path: c.node.path,
        })),
      ),
  );
}

describe('cdk-nag', () => {
  it('AwsSolutions has no unacknowledged findings', () => {
    expect(findings(new AwsSolutionsChecks())).toEqual([]);
  });

  it('NIST 800-53 rev 5 has no unacknowledged findings', () => {
    expect(findings(new NIST80053R5Checks())).toEqual([]);
  });

  it('every acknowledgement gives a specific reason', () => {
    const acks = acknowledgements(built.app);
    expect(acks.length).toBeGreaterThan(10);
    for (const ack of acks) {
      expect(ack.reason.length, `${ack.id} at ${ack.path}`).toBeGreaterThanOrEqual(40);
    }
  });
});

describe('cdk-nag sanity', () => {
  it('reports a finding the app does not acknowledge (the check is live)', async () => {
    const { App, Stack } = await import('aws-cdk-lib');
    const { Bucket } = await import('aws-cdk-lib/aws-s3');
    const app = new App();
    new Bucket(new Stack(app, 'Bare'), 'Plain');
    const rules = new AwsSolutionsChecks().validateScope(app).violations.map((v) => v.ruleName);
    expect(rules).toContain('AwsSolutions-S1');
  });
});
