/**
 * Per-environment configuration, read from CDK context (cdk.json "bacuda:environments", overridable with
 * `-c bacuda:env=prod`). Validated with zod so a typo in cdk.json fails synth with a clear message instead
 * of deploying a half-configured stack.
 */
import { RemovalPolicy } from 'aws-cdk-lib';
import type { Construct } from 'constructs';
import { z } from 'zod';

/** Administration codes become S3 partition values, secret names and schedule names: keep them tame. */
const adminCode = z
  .string()
  .regex(/^[A-Z]{2,8}$/, 'administration codes are 2-8 capital letters (shared/identity/principal.ts)');

const envSchema = z.object({
  /** Administrations hosted by this deployment: one pseudonymisation key and one weekly schedule each. */
  administrations: z.array(adminCode).min(1),
  /** true: buckets, keys, secrets, user pool and log groups survive `cdk destroy` (prod). */
  keepData: z.boolean(),
  logRetentionDays: z.number().int().positive(),
  /** Athena workgroup BytesScannedCutoffPerQuery (minimum 10 MB). */
  athenaBytesScannedCutoffPerQuery: z.number().int().min(10_485_760),
  api: z.object({
    rateLimit: z.number().positive(),
    burstLimit: z.number().int().positive(),
    memberQuotaPerDay: z.number().int().positive(),
    /** WAF rate-based rule: requests per source IP per 5-minute window (minimum 10 in WAF, 100 here). */
    wafRateLimitPer5Min: z.number().int().min(100),
  }),
  /** EventBridge Scheduler expression of the weekly pipeline run. */
  weeklySchedule: z.string().min(1),
  scheduleTimeZone: z.string().min(1),
  /** Subscribed to the alarm topic when non-empty. */
  alarmEmail: z.union([z.literal(''), z.email()]),
});

export type EnvSettings = z.infer<typeof envSchema>;

export interface EnvConfig extends EnvSettings {
  /** dev, prod, or any other key of "bacuda:environments". */
  envName: string;
  /** RETAIN when keepData, DESTROY otherwise. */
  removalPolicy: RemovalPolicy;
}

/** Builds the configuration of one environment from plain settings (tests use this directly). */
export function makeEnvConfig(envName: string, settings: unknown): EnvConfig {
  if (!/^[a-z][a-z0-9]{1,9}$/.test(envName)) {
    throw new Error(`bacuda:env "${envName}" must be 2-10 lower-case letters/digits (e.g. dev, prod)`);
  }
  const parsed = envSchema.safeParse(settings);
  if (!parsed.success) {
    throw new Error(`cdk.json bacuda:environments.${envName} is invalid: ${z.prettifyError(parsed.error)}`);
  }
  return {
    ...parsed.data,
    envName,
    removalPolicy: parsed.data.keepData ? RemovalPolicy.RETAIN : RemovalPolicy.DESTROY,
  };
}

/** Reads `bacuda:env` and the matching entry of `bacuda:environments` from the app's context. */
export function loadEnvConfig(scope: Construct): EnvConfig {
  const envName = String(scope.node.tryGetContext('bacuda:env') ?? 'dev');
  const all = scope.node.tryGetContext('bacuda:environments') as Record<string, unknown> | undefined;
  if (!all || !(envName in all)) {
    const known = all ? Object.keys(all).join(', ') : 'none';
    throw new Error(
      `no settings for bacuda:env "${envName}" in cdk.json bacuda:environments (known: ${known})`,
    );
  }
  return makeEnvConfig(envName, all[envName]);
}
