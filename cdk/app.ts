/**
 * CDK entry point (`npx cdk synth`, `npx cdk deploy -c bacuda:env=prod`). Runs on Node 24 through npx.
 * cdk-nag runs on every synth: an unacknowledged finding fails it.
 */
import { App } from 'aws-cdk-lib';
import { addNagChecks, buildBacuda } from './bacuda.ts';

const app = new App();
buildBacuda(app);
addNagChecks(app);
app.synth();
