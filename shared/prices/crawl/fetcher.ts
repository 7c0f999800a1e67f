import robotsParserModule from 'robots-parser';
import { type CrawlSettings, hostAllowed } from './config.ts';

interface Robot {
  isAllowed(url: string, ua?: string): boolean | undefined;
  getCrawlDelay(ua?: string): number | undefined;
  getSitemaps(): string[];
}
// robots-parser is CommonJS (module.exports = function); its bundled typings do not describe the default import.
const robotsParser = robotsParserModule as unknown as (url: string, contents: string) => Robot;

/** Why a URL produced no page. */
export type FetchFailure =
  | 'robots-disallowed'
  | 'off-allow-list'
  | 'too-many-redirects'
  | 'timeout'
  | 'network-error'
  | 'too-large'
  | 'http-error'
  | 'retry-after-too-long'
  | 'aborted';

export type FetchResult =
  | {
      ok: true;
      /** Final URL after redirects. */
      url: string;
      status: number;
      contentType: string;
      charset: string | null;
      body: Uint8Array;
      attempts: number;
    }
  | { ok: false; reason: FetchFailure; detail: string; status?: number; attempts: number };

export type FetchLike = (url: string, init: RequestInit) => Promise<Response>;

const sleep = (ms: number, signal?: AbortSignal) =>
  new Promise<void>((resolve, reject) => {
    if (signal?.aborted) return reject(signal.reason);
    const t = setTimeout(resolve, ms);
    signal?.addEventListener(
      'abort',
      () => {
        clearTimeout(t);
        reject(signal.reason);
      },
      { once: true },
    );
  });

/**
 * Per-host politeness: at most `concurrency` requests in flight per host and at least `delayMs` between the
 * starts of two requests to the same host. Hand-written (a few lines) because the generic limiters (p-limit,
 * p-queue) have no per-key minimum spacing.
 */
export class HostGate {
  private readonly hosts = new Map<string, { active: number; nextStart: number; waiters: (() => void)[] }>();
  private readonly concurrency: number;
  private readonly delays = new Map<string, number>();
  private readonly defaultDelay: number;

  constructor(concurrency: number, delayMs: number) {
    this.concurrency = concurrency;
    this.defaultDelay = delayMs;
  }

  /** Raises a host's delay (robots.txt Crawl-delay). */
  setDelay(host: string, ms: number): void {
    this.delays.set(host, Math.max(this.defaultDelay, ms));
  }

  async run<T>(host: string, work: () => Promise<T>, signal?: AbortSignal): Promise<T> {
    let h = this.hosts.get(host);
    if (!h) {
      h = { active: 0, nextStart: 0, waiters: [] };
      this.hosts.set(host, h);
    }
    while (h.active >= this.concurrency) await new Promise<void>((r) => h?.waiters.push(r));
    h.active++;
    try {
      const wait = h.nextStart - Date.now();
      h.nextStart = Math.max(Date.now(), h.nextStart) + (this.delays.get(host) ?? this.defaultDelay);
      if (wait > 0) await sleep(wait, signal);
      return await work();
    } finally {
      h.active--;
      h.waiters.shift()?.();
    }
  }
}

/** Parses Retry-After (seconds or an HTTP date) into milliseconds from now. */
export function retryAfterMs(value: string | null, now = Date.now()): number | null {
  if (!value) return null;
  const v = value.trim();
  if (/^\d+$/.test(v)) return Number(v) * 1000;
  const t = Date.parse(v);
  return Number.isNaN(t) ? null : Math.max(0, t - now);
}

async function readCapped(res: Response, maxBytes: number, signal: AbortSignal): Promise<Uint8Array | null> {
  const declared = Number(res.headers.get('content-length'));
  if (Number.isFinite(declared) && declared > maxBytes) {
    await res.body?.cancel();
    return null;
  }
  if (!res.body) return new Uint8Array();
  const chunks: Uint8Array[] = [];
  let total = 0;
  const reader = res.body.getReader();
  while (true) {
    if (signal.aborted) throw signal.reason;
    const { done, value } = await reader.read();
    if (done) break;
    total += value.byteLength;
    if (total > maxBytes) {
      await reader.cancel();
      return null;
    }
    chunks.push(value);
  }
  return Buffer.concat(chunks);
}

export interface FetcherOptions {
  settings: CrawlSettings;
  allowedDomains: readonly string[];
  fetch?: FetchLike;
  signal?: AbortSignal;
  log?: (line: string) => void;
}

/**
 * Fetches pages politely: robots.txt (robots-parser), the allow-list checked on every redirect hop, per-host
 * concurrency and spacing, a timeout per attempt, a size cap while streaming, and retries with exponential
 * backoff on 429/5xx and network errors that honour Retry-After.
 */
export class PoliteFetcher {
  readonly gate: HostGate;
  private readonly s: CrawlSettings;
  private readonly allowed: readonly string[];
  private readonly fetchImpl: FetchLike;
  private readonly signal?: AbortSignal;
  private readonly log?: (line: string) => void;
  private readonly robots = new Map<string, Promise<Robot | 'all' | 'none'>>();

  constructor(o: FetcherOptions) {
    this.s = o.settings;
    this.allowed = o.allowedDomains;
    this.fetchImpl = o.fetch ?? ((url, init) => fetch(url, init));
    this.signal = o.signal;
    this.log = o.log;
    this.gate = new HostGate(o.settings.perHostConcurrency, o.settings.delayMs);
  }

  /** robots.txt verdict for a URL. 4xx robots.txt allows everything; 5xx or unreachable disallows (RFC 9309). */
  async robotsAllows(url: string): Promise<boolean> {
    const u = new URL(url);
    let p = this.robots.get(u.origin);
    if (!p) {
      p = (async () => {
        const robotsUrl = `${u.origin}/robots.txt`;
        const r = await this.fetchOnce(robotsUrl, 500_000);
        if (!r.ok) return r.status !== undefined && r.status >= 400 && r.status < 500 ? 'all' : 'none';
        const robot = robotsParser(robotsUrl, Buffer.from(r.body).toString('utf8'));
        const delay = robot.getCrawlDelay(this.s.userAgent);
        if (delay) this.gate.setDelay(u.host, Math.min(delay, 60) * 1000);
        return robot;
      })();
      this.robots.set(u.origin, p);
    }
    const robot = await p;
    if (robot === 'all') return true;
    if (robot === 'none') return false;
    return robot.isAllowed(url, this.s.userAgent) !== false;
  }

  /** Fetches a page (robots.txt and the allow-list apply). */
  async get(url: string): Promise<FetchResult> {
    if (!hostAllowed(new URL(url).hostname, this.allowed))
      return { ok: false, reason: 'off-allow-list', detail: url, attempts: 0 };
    if (!(await this.robotsAllows(url)))
      return { ok: false, reason: 'robots-disallowed', detail: url, attempts: 0 };
    return this.fetchOnce(url, this.s.maxBytes);
  }

  /** Redirects, retries and size cap, without the robots check (used for robots.txt itself). */
  private async fetchOnce(startUrl: string, maxBytes: number): Promise<FetchResult> {
    let attempt = 0;
    while (true) {
      attempt++;
      const r = await this.followRedirects(startUrl, maxBytes, attempt);
      const retryable =
        !r.ok &&
        (r.reason === 'timeout' ||
          r.reason === 'network-error' ||
          (r.reason === 'http-error' && (r.status === 429 || (r.status ?? 0) >= 500)));
      if (!retryable || attempt > this.s.retries) return r;
      const backoff = this.s.backoffMs * 2 ** (attempt - 1) * (0.5 + Math.random() / 2);
      const hinted = !r.ok && 'retryAfter' in r ? (r as { retryAfter?: number | null }).retryAfter : null;
      if (hinted != null && hinted > this.s.maxRetryAfterMs)
        return {
          ok: false,
          reason: 'retry-after-too-long',
          detail: `Retry-After ${hinted} ms`,
          status: r.status,
          attempts: attempt,
        };
      this.log?.(`retry ${attempt}/${this.s.retries} ${startUrl}: ${r.ok ? '' : r.detail}`);
      await sleep(Math.max(backoff, hinted ?? 0), this.signal);
    }
  }

  private async followRedirects(
    startUrl: string,
    maxBytes: number,
    attempts: number,
  ): Promise<FetchResult & { retryAfter?: number | null }> {
    let url = startUrl;
    for (let hop = 0; hop <= this.s.maxRedirects; hop++) {
      const u = new URL(url);
      if (!hostAllowed(u.hostname, this.allowed))
        return { ok: false, reason: 'off-allow-list', detail: `redirected to ${url}`, attempts };
      const timeout = AbortSignal.timeout(this.s.timeoutMs);
      const signal = this.signal ? AbortSignal.any([this.signal, timeout]) : timeout;
      try {
        const res = await this.gate.run(
          u.host,
          () =>
            this.fetchImpl(url, {
              redirect: 'manual',
              signal,
              headers: {
                'user-agent': this.s.userAgent,
                accept: 'text/html,application/xhtml+xml;q=0.9,*/*;q=0.5',
              },
            }),
          this.signal,
        );
        if (res.status >= 300 && res.status < 400 && res.headers.get('location')) {
          await res.body?.cancel();
          url = new URL(res.headers.get('location') as string, url).toString();
          continue;
        }
        if (!res.ok) {
          await res.body?.cancel();
          return {
            ok: false,
            reason: 'http-error',
            detail: `HTTP ${res.status}`,
            status: res.status,
            attempts,
            retryAfter: retryAfterMs(res.headers.get('retry-after')),
          };
        }
        const body = await readCapped(res, maxBytes, signal);
        if (body === null)
          return { ok: false, reason: 'too-large', detail: `over ${maxBytes} bytes`, attempts };
        const contentType = res.headers.get('content-type') ?? '';
        const charset = /charset\s*=\s*"?([\w.:-]+)/i.exec(contentType)?.[1] ?? null;
        return { ok: true, url, status: res.status, contentType, charset, body, attempts };
      } catch (err) {
        if (this.signal?.aborted) return { ok: false, reason: 'aborted', detail: 'crawl aborted', attempts };
        if (timeout.aborted)
          return { ok: false, reason: 'timeout', detail: `no answer in ${this.s.timeoutMs} ms`, attempts };
        return { ok: false, reason: 'network-error', detail: (err as Error).message, attempts };
      }
    }
    return { ok: false, reason: 'too-many-redirects', detail: `more than ${this.s.maxRedirects}`, attempts };
  }
}
