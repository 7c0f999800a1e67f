import { readFileSync } from 'node:fs';
import { App, RemovalPolicy } from 'aws-cdk-lib';
import { describe, expect, it } from 'vitest';
import { loadEnvConfig, makeEnvConfig } from '../../cdk/config.ts';
import { wiredHandlers } from '../../cdk/constructs/analytics.ts';
import { aslPlaceholders } from '../../cdk/constructs/pipeline.ts';
import { HANDLERS } from '../../cdk/handlers.ts';
import { SETTINGS } from './build.ts';

const cdkJson = JSON.parse(readFileSync(new URL('../../cdk.json', import.meta.url), 'utf8'));

describe('environment configuration', () => {
  it('keeps data in prod and not in dev (cdk.json)', () => {
    const prod = loadEnvConfig(new App({ context: { ...cdkJson.context, 'bacuda:env': 'prod' } }));
    const dev = loadEnvConfig(new App({ context: cdkJson.context }));
    expect(prod.removalPolicy).toBe(RemovalPolicy.RETAIN);
    expect(dev.removalPolicy).toBe(RemovalPolicy.DESTROY);
  });

  it('names the unknown environment and the known ones', () => {
    const app = new App({ context: { ...cdkJson.context, 'bacuda:env': 'staging' } });
    expect(() => loadEnvConfig(app)).toThrow(/no settings for bacuda:env "staging".*known: dev, prod/);
  });

  it('rejects an administration code the platform cannot use', () => {
    expect(() => makeEnvConfig('dev', { ...SETTINGS, administrations: ['xa-1'] })).toThrow(/administrations/);
  });
});

describe('handler catalogue', () => {
  it('wires handlers whose entry exists and skips the rest', () => {
    const { wired, skipped } = wiredHandlers(HANDLERS, (entry) => entry === 'functions/api/index.ts');
    expect(wired.map((h) => h.id)).toEqual(['Api']);
    expect(skipped).toHaveLength(HANDLERS.length - 1);
  });

  it('has unique ids', () => {
    const ids = HANDLERS.map((h) => h.id);
    expect(new Set(ids).size).toBe(ids.length);
  });
});

describe('ASL placeholders', () => {
  it('lists the ASL substitution placeholders once, ignoring JSONPath', () => {
    // biome-ignore lint/suspicious/noTemplateCurlyInString: ASL substitution placeholders, not JS templates.
    const asl = '{"A":"${XFunctionArn}","B.$":"$.x","C":"${ResultsBucket}","D":"${XFunctionArn}"}';
    expect(aslPlaceholders(asl)).toEqual(['ResultsBucket', 'XFunctionArn']);
  });
});
