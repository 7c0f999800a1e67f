import { createReadStream } from 'node:fs';
import { stat } from 'node:fs/promises';
import { createServer, type IncomingMessage, type Server, type ServerResponse } from 'node:http';
import { extname, join, normalize, resolve, sep } from 'node:path';
import type { APIGatewayProxyEvent, APIGatewayProxyResult } from 'aws-lambda';
import { portalCsp, VEGA_PAGES } from '../shared/http/portal-csp.ts';
import { toApiGatewayEvent } from './api-gateway-event.ts';

const CONTENT_TYPES: Record<string, string> = {
  '.html': 'text/html; charset=utf-8',
  '.js': 'text/javascript; charset=utf-8',
  '.mjs': 'text/javascript; charset=utf-8',
  '.css': 'text/css; charset=utf-8',
  '.json': 'application/json',
  '.svg': 'image/svg+xml',
  '.png': 'image/png',
  '.ico': 'image/x-icon',
};

/** Largest body the local server buffers; API Gateway's own limit is 10 MB. */
const MAX_BODY = 10 * 1024 * 1024;

export interface LocalHttpServerOptions {
  /** The API Gateway proxy handler (the same one Lambda runs). */
  api: (event: APIGatewayProxyEvent) => Promise<APIGatewayProxyResult>;
  /** URL prefix → folder, for the portal and its vendored libraries (the cloud serves these from CloudFront). */
  staticRoots: Record<string, string>;
  /** Local-only JSON endpoints such as the token issuer's JWKS. */
  localEndpoints?: Record<
    string,
    (req: IncomingMessage, body: Buffer) => Promise<{ status: number; body: unknown }>
  >;
}

/** The local stand-in for API Gateway + CloudFront: converts requests to proxy events, serves static files. */
export function createLocalHttpServer(options: LocalHttpServerOptions): Server {
  return createServer((req, res) => {
    handle(req, res, options).catch((err) => {
      if (!res.headersSent) res.writeHead(500, { 'content-type': 'application/json' });
      res.end(JSON.stringify({ error: { code: 'internal', message: (err as Error).message } }));
    });
  });
}

async function handle(
  req: IncomingMessage,
  res: ServerResponse,
  options: LocalHttpServerOptions,
): Promise<void> {
  const url = new URL(req.url ?? '/', 'http://127.0.0.1');
  if (url.pathname === '/' && req.method === 'GET') {
    res.writeHead(302, { location: '/portal/' }).end();
    return;
  }
  for (const [prefix, folder] of Object.entries(options.staticRoots)) {
    if (url.pathname.startsWith(prefix) && (req.method === 'GET' || req.method === 'HEAD')) {
      await serveStatic(res, folder, url.pathname.slice(prefix.length) || 'index.html');
      return;
    }
  }
  const body = await readBody(req);
  if (body === undefined) {
    res.writeHead(413, { 'content-type': 'application/json' });
    res.end(
      JSON.stringify({
        error: { code: 'payload_too_large', message: `request body exceeds ${MAX_BODY} bytes` },
      }),
    );
    return;
  }
  const local = options.localEndpoints?.[url.pathname];
  if (local) {
    const out = await local(req, body);
    res.writeHead(out.status, { 'content-type': 'application/json', 'cache-control': 'no-store' });
    res.end(JSON.stringify(out.body));
    return;
  }
  const result = await options.api(toApiGatewayEvent(req, body));
  res.writeHead(result.statusCode, (result.headers ?? {}) as Record<string, string>);
  res.end(result.isBase64Encoded ? Buffer.from(result.body, 'base64') : result.body);
}

async function readBody(req: IncomingMessage): Promise<Buffer | undefined> {
  const chunks: Buffer[] = [];
  let size = 0;
  for await (const chunk of req) {
    size += (chunk as Buffer).length;
    if (size > MAX_BODY) return undefined;
    chunks.push(chunk as Buffer);
  }
  return Buffer.concat(chunks);
}

async function serveStatic(res: ServerResponse, folder: string, relPath: string): Promise<void> {
  const root = resolve(folder);
  let path = normalize(join(root, decodeURIComponent(relPath)));
  // Never serve anything outside the folder, whatever the URL says.
  if (path !== root && !path.startsWith(root + sep)) {
    res.writeHead(400, { 'content-type': 'text/plain' }).end('bad path');
    return;
  }
  try {
    if ((await stat(path)).isDirectory()) path = join(path, 'index.html');
    await stat(path);
  } catch {
    res.writeHead(404, { 'content-type': 'text/plain' }).end('not found');
    return;
  }
  res.writeHead(200, {
    'content-type': CONTENT_TYPES[extname(path)] ?? 'application/octet-stream',
    'x-content-type-options': 'nosniff',
    'content-security-policy': portalCsp({ allowEval: evalAllowed(root, path) }),
  });
  createReadStream(path).pipe(res);
}

function evalAllowed(root: string, path: string): boolean {
  const rel = path
    .slice(root.length + 1)
    .split(sep)
    .join('/');
  return (VEGA_PAGES as readonly string[]).includes(rel);
}

/** Listens on 127.0.0.1 only; a port already in use becomes a clear error. */
export function listen(server: Server, port: number): Promise<number> {
  return new Promise((resolveListen, reject) => {
    server.once('error', (err: NodeJS.ErrnoException) => {
      if (err.code === 'EADDRINUSE')
        reject(new Error(`port ${port} is already in use; stop the other process or pass --port`));
      else reject(err);
    });
    server.listen(port, '127.0.0.1', () => {
      const addr = server.address();
      resolveListen(typeof addr === 'object' && addr ? addr.port : port);
    });
  });
}
