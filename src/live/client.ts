import { Agent, request } from 'undici';
import pLimit from 'p-limit';
import { VERSION } from '../version.js';

/** Safety limits of live probing (SPEC "Live probing", Safety). */
export interface ProbeLimits {
  concurrency: number;
  requestsPerSecond: number;
  timeoutMs: number;
  maxRequests: number;
  /** Overall deadline for the whole probe run. */
  deadlineMs: number;
  maxBodyBytes: number;
}

export const DEFAULT_LIMITS: ProbeLimits = {
  concurrency: 4,
  requestsPerSecond: 20,
  timeoutMs: 10_000,
  maxRequests: 2000,
  deadlineMs: 5 * 60_000,
  maxBodyBytes: 256 * 1024,
};

export type ProbeFailure = 'timeout' | 'reset' | 'refused' | 'dns' | 'tls' | 'budget' | 'deadline' | 'other';

export interface ProbeResponse {
  status: number;
  headers: Record<string, string>;
  /** At most maxBodyBytes of the body, as text. */
  body: string;
  error?: ProbeFailure;
}

const RETRY_STATUSES = new Set([429, 503]);
const MAX_RETRY_WAIT_MS = 10_000;

function failureOf(err: unknown): ProbeFailure {
  const code = String(
    (err as { code?: string }).code ?? (err as { cause?: { code?: string } }).cause?.code ?? '',
  );
  const name = String((err as Error).name ?? '');
  if (/TIMEOUT/i.test(code) || name === 'TimeoutError' || name === 'AbortError') return 'timeout';
  if (/ECONNRESET|UND_ERR_SOCKET|EPIPE|UND_ERR_CLOSED/.test(code)) return 'reset';
  if (code === 'ECONNREFUSED') return 'refused';
  if (/ENOTFOUND|EAI_AGAIN|EAI_NONAME/.test(code)) return 'dns';
  if (/CERT|SSL|TLS|ERR_TLS/i.test(code)) return 'tls';
  return 'other';
}

const sleep = (ms: number): Promise<void> => new Promise((r) => setTimeout(r, ms));

/**
 * The only way live probing talks to the network: every request goes to the preview's origin (paths are
 * resolved against it, redirects are never followed), within the concurrency, rate, timeout, budget and deadline,
 * honouring Retry-After on 429/503, reading bodies only up to a cap, with a User-Agent naming tokengate.
 */
export class ProbeClient {
  readonly origin: string;
  private readonly base: URL;
  private readonly limit: ReturnType<typeof pLimit>;
  private readonly agent: Agent;
  private readonly started = Date.now();
  private nextSlot = 0;
  sent = 0;

  constructor(
    baseUrl: string,
    readonly limits: ProbeLimits = DEFAULT_LIMITS,
  ) {
    this.base = new URL(baseUrl);
    this.origin = this.base.origin;
    this.limit = pLimit(limits.concurrency);
    this.agent = new Agent({ connect: { timeout: limits.timeoutMs }, keepAliveTimeout: 1000 });
  }

  /** A URL on the preview's origin for a route path (the preview URL's own path is kept as a prefix). */
  url(path: string): URL {
    const prefix = this.base.pathname.replace(/\/$/, '');
    const url = new URL(this.origin);
    const [pathname, query] = path.split('?', 2) as [string, string | undefined];
    url.pathname = `${prefix}${pathname}`;
    if (query !== undefined) url.search = query;
    return url;
  }

  remainingMs(): number {
    return this.limits.deadlineMs - (Date.now() - this.started);
  }

  send(method: string, path: string, headers: Record<string, string> = {}): Promise<ProbeResponse> {
    return this.limit(() => this.sendNow(method, path, headers, true));
  }

  private async pace(): Promise<void> {
    const interval = 1000 / this.limits.requestsPerSecond;
    const now = Date.now();
    const slot = Math.max(now, this.nextSlot);
    this.nextSlot = slot + interval;
    if (slot > now) await sleep(slot - now);
  }

  private async sendNow(
    method: string,
    path: string,
    headers: Record<string, string>,
    mayRetry: boolean,
  ): Promise<ProbeResponse> {
    if (this.sent >= this.limits.maxRequests) return { status: 0, headers: {}, body: '', error: 'budget' };
    if (this.remainingMs() <= 0) return { status: 0, headers: {}, body: '', error: 'deadline' };
    // Reserve the request before waiting for its slot, so concurrent sends cannot overrun the budget.
    this.sent++;
    await this.pace();
    if (this.remainingMs() <= 0) return { status: 0, headers: {}, body: '', error: 'deadline' };
    const url = this.url(path);
    if (url.origin !== this.origin) return { status: 0, headers: {}, body: '', error: 'other' };
    const signal = AbortSignal.timeout(Math.max(1, Math.min(this.limits.timeoutMs, this.remainingMs())));
    try {
      const res = await request(url, {
        method: method as 'GET',
        headers: { 'user-agent': `tokengate/${VERSION} (+auth probe)`, accept: '*/*', ...headers },
        dispatcher: this.agent,
        signal,
        headersTimeout: this.limits.timeoutMs,
        bodyTimeout: this.limits.timeoutMs,
      });
      const chunks: Buffer[] = [];
      let size = 0;
      for await (const chunk of res.body) {
        const buf = chunk as Buffer;
        chunks.push(buf.subarray(0, Math.max(0, this.limits.maxBodyBytes - size)));
        size += buf.length;
        if (size >= this.limits.maxBodyBytes) {
          res.body.destroy();
          break;
        }
      }
      const responseHeaders: Record<string, string> = {};
      for (const [k, v] of Object.entries(res.headers)) if (v !== undefined) responseHeaders[k] = String(v);
      const response = {
        status: res.statusCode,
        headers: responseHeaders,
        body: Buffer.concat(chunks).toString('utf8'),
      };
      if (mayRetry && RETRY_STATUSES.has(res.statusCode)) {
        const wait = retryAfterMs(responseHeaders['retry-after']);
        if (wait !== undefined && wait <= Math.min(MAX_RETRY_WAIT_MS, this.remainingMs())) {
          await sleep(wait);
          return this.sendNow(method, path, headers, false);
        }
      }
      return response;
    } catch (err) {
      return { status: 0, headers: {}, body: '', error: failureOf(err) };
    }
  }

  async close(): Promise<void> {
    await this.agent.close();
  }
}

function retryAfterMs(value: string | undefined): number | undefined {
  if (!value) return undefined;
  const seconds = Number(value);
  if (Number.isFinite(seconds)) return Math.max(0, seconds * 1000);
  const date = Date.parse(value);
  return Number.isNaN(date) ? undefined : Math.max(0, date - Date.now());
}

const MAX_ECHO = 80;

/** Why `preview-url` cannot be probed at all (not an absolute http(s) URL), in one sentence; undefined when it can. */
export function previewUrlProblem(raw: string): string | undefined {
  let url: URL | undefined;
  try {
    url = new URL(raw);
  } catch {
    url = undefined;
  }
  if (url && (url.protocol === 'http:' || url.protocol === 'https:') && url.hostname) return undefined;
  const shown = raw.length > MAX_ECHO ? `${raw.slice(0, MAX_ECHO)}…` : raw;
  return `preview-url ${JSON.stringify(shown)} is not an http(s) URL such as https://preview.example.com; static results are reported without live verification.`;
}

/** One sentence for an unreachable preview: what failed and why. */
export function describeFailure(baseUrl: string, failure: ProbeFailure): string {
  const why: Record<ProbeFailure, string> = {
    timeout: 'the connection timed out',
    reset: 'the connection was reset',
    refused: 'the connection was refused',
    dns: 'its host name does not resolve',
    tls: 'the TLS handshake failed',
    budget: 'the request budget is exhausted',
    deadline: 'the probing deadline passed',
    other: 'the request failed',
  };
  return `preview-url ${baseUrl} is unreachable: ${why[failure]}; static results are reported without live verification.`;
}
