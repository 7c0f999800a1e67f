import { z } from 'zod';
import { defineRoute } from '../../../shared/http/route.ts';
import type { ApiDeps } from '../deps.ts';

export const healthRoute = defineRoute<ApiDeps>({
  method: 'GET',
  path: '/health',
  summary: 'Liveness check',
  tags: ['platform'],
  auth: 'public',
  response: z.object({ status: z.literal('ok') }),
  async handler() {
    return { status: 200, body: { status: 'ok' } };
  },
});
