import { z } from 'zod';
import { authoriseAdministration, readableAdministrations } from '../../../shared/access/authorise.ts';
import { defineRoute } from '../../../shared/http/route.ts';
import { administrationsWithRuns, listRuns } from '../../../shared/pipeline/runs.ts';
import type { ApiDeps } from '../deps.ts';
import { administrationCode, who } from './common.ts';

const status = z.enum(['RUNNING', 'SUCCEEDED', 'FAILED']);

const stageSchema = z.object({
  stage: z.string(),
  status,
  startedAt: z.string(),
  endedAt: z.string().optional(),
  attempt: z.number(),
  invocations: z.number(),
  error: z.object({ name: z.string(), message: z.string() }).optional(),
});

const runSchema = z.object({
  runId: z.string(),
  administration: z.string(),
  kind: z.enum(['weekly', 'upload']),
  status,
  startedAt: z.string(),
  endedAt: z.string().optional(),
  asOf: z.string(),
  attempt: z.number(),
  publishable: z.boolean(),
  approval: z.object({ status: z.string(), requestedAt: z.string() }).optional(),
  outputs: z.record(z.string(), z.array(z.string())),
  failure: z.object({ stage: z.string(), error: z.string(), cause: z.string(), at: z.string() }).optional(),
  trigger: z.string(),
  stages: z.array(stageSchema),
});

/**
 * The pipeline's run history with each run's stage timeline. Officials and member systems see their own
 * administration's runs, analysts those of administrations granted to them; WCO administrators, who operate the
 * platform, see every run (run records hold statuses, result locations and failure reasons, not declarations).
 */
export const pipelineRunsRoute = defineRoute({
  method: 'GET',
  path: '/v1/pipeline/runs',
  summary: 'Pipeline runs (weekly and upload-triggered), newest first, with their stage timeline',
  tags: ['pipeline'],
  auth: { roles: ['official', 'analyst', 'wco-admin', 'member-system'], scopes: ['results/read'] },
  query: z.object({
    administration: administrationCode.optional(),
    status: status.optional(),
    limit: z.coerce.number().int().min(1).max(200).default(20),
  }),
  response: z.object({ runs: z.array(runSchema) }),
  async handler(req, deps: ApiDeps) {
    const principal = who(req);
    const { administration, limit } = req.query;
    let admins: string[];
    if (principal.roles.includes('wco-admin')) {
      admins = administration ? [administration] : await administrationsWithRuns(deps.store);
    } else if (administration) {
      await authoriseAdministration(req, administration, deps, 'read', { resource: req.path });
      admins = [administration];
    } else {
      admins = await readableAdministrations(principal, deps);
    }
    const runs = await listRuns(deps.store, admins, { limit, status: req.query.status });
    // Stage outputs can be large (plans, summaries); the timeline needs names, times and errors.
    const slim = runs.map((r) => ({ ...r, stages: r.stages.map(({ output: _output, ...s }) => s) }));
    return { status: 200, body: { runs: slim } };
  },
});
