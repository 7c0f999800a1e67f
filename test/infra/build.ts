import { readFileSync } from 'node:fs';
import { App } from 'aws-cdk-lib';
import { Template } from 'aws-cdk-lib/assertions';
import { type BacudaStacks, type BuildOptions, buildBacuda } from '../../cdk/bacuda.ts';
import { makeEnvConfig } from '../../cdk/config.ts';
import { HANDLERS } from '../../cdk/handlers.ts';

const CDK_JSON_CONTEXT = JSON.parse(readFileSync(new URL('../../cdk.json', import.meta.url), 'utf8')).context;

export const FIXTURE_ENTRY = 'test/infra/fixtures/handler.ts';

export const SETTINGS = {
  administrations: ['XAA', 'XBB'],
  keepData: false,
  logRetentionDays: 30,
  athenaBytesScannedCutoffPerQuery: 10_737_418_240,
  api: { rateLimit: 50, burstLimit: 100, memberQuotaPerDay: 100_000, wafRateLimitPer5Min: 2000 },
  weeklySchedule: 'cron(0 3 ? * MON *)',
  scheduleTimeZone: 'UTC',
  alarmEmail: 'ops@example.org',
};

/** Every catalogued handler, pointed at the fixture entry so the wiring does not depend on who has committed what. */
export const ALL_HANDLERS = HANDLERS.map((h) => ({ ...h, entry: FIXTURE_ENTRY }));

export interface Built extends BacudaStacks {
  app: App;
  data: BacudaStacks['data'];
  templates: { data: Template; service: Template; portal: Template };
}

/** Builds and synthesises the app without bundling (fast, no esbuild runs). */
export function build(envName = 'dev', settings: object = {}, options: BuildOptions = {}): Built {
  const app = new App({
    // The feature flags of cdk.json, so tests synthesise what `cdk synth` does; no bundling (fast).
    context: { ...CDK_JSON_CONTEXT, 'aws:cdk:bundling-stacks': [] },
  });
  const stacks = buildBacuda(app, {
    config: makeEnvConfig(envName, { ...SETTINGS, ...settings }),
    handlers: ALL_HANDLERS,
    ...options,
  });
  if (!stacks.portal) throw new Error('expected a portal stack');
  return {
    app,
    ...stacks,
    templates: {
      data: Template.fromStack(stacks.data),
      service: Template.fromStack(stacks.service),
      portal: Template.fromStack(stacks.portal),
    },
  };
}
