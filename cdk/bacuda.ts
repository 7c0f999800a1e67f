import { type App, Validations } from 'aws-cdk-lib';
import { AwsSolutionsChecks, NIST80053R5Checks } from 'cdk-nag';
import { type EnvConfig, loadEnvConfig } from './config.ts';
import { exportLake } from './constructs/lake-refs.ts';
import { HANDLERS, type HandlerSpec } from './handlers.ts';
import { LAKE_DATASETS, type LakeDataset } from './lake-datasets.ts';
import { PIPELINES, type PipelineSpec } from './pipelines.ts';
import { DataStack } from './stacks/data-stack.ts';
import { PortalStack } from './stacks/portal-stack.ts';
import { ServiceStack } from './stacks/service-stack.ts';

export interface BuildOptions {
  /** Defaults to the context's bacuda:env settings. */
  config?: EnvConfig;
  datasets?: readonly LakeDataset[];
  handlers?: readonly HandlerSpec[];
  pipelines?: readonly PipelineSpec[];
  /** Overrides "does this handler entry / ASL file exist" (tests pin the wiring with it). */
  entryExists?: (path: string) => boolean;
}

export interface BacudaStacks {
  config: EnvConfig;
  data: DataStack;
  service: ServiceStack;
  /** Absent until the API handler exists (the distribution fronts it). */
  portal?: PortalStack;
}

/** Creates the stacks of one environment: Bacuda-<env>-Data, -Service, -Portal. */
export function buildBacuda(app: App, options: BuildOptions = {}): BacudaStacks {
  const config = options.config ?? loadEnvConfig(app);
  const env = { account: process.env.CDK_DEFAULT_ACCOUNT, region: process.env.CDK_DEFAULT_REGION };
  const prefix = `Bacuda-${config.envName}`;
  const data = new DataStack(app, `${prefix}-Data`, {
    env,
    config,
    datasets: options.datasets ?? LAKE_DATASETS,
    description: `bacuda ${config.envName}: data lake, catalogue, pseudonymisation keys`,
    terminationProtection: config.keepData,
  });
  exportLake(data, config.envName);
  const service = new ServiceStack(app, `${prefix}-Service`, {
    env,
    config,
    data,
    handlers: options.handlers ?? HANDLERS,
    pipelines: options.pipelines ?? PIPELINES,
    entryExists: options.entryExists,
    description: `bacuda ${config.envName}: analytics functions, pipelines, API, identity, operations`,
  });
  const portal = service.api
    ? new PortalStack(app, `${prefix}-Portal`, {
        env,
        config,
        service,
        description: `bacuda ${config.envName}: web portal (S3 + CloudFront), fronting the API at /v1`,
      })
    : undefined;
  return { config, data, service, portal };
}

/** The rule packs every synth runs: AWS Solutions, plus NIST 800-53 rev 5 for a government workload. */
export function nagPacks(app: App) {
  return [new AwsSolutionsChecks(app), new NIST80053R5Checks(app)];
}

export function addNagChecks(app: App): void {
  Validations.of(app).addPlugins(...nagPacks(app));
}
