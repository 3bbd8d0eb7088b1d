import { HttpResult } from '../decisions/smoke';
import { COLOR_HEADER } from '../routes';

export interface HttpRequest {
  readonly url: string;
  readonly method: string;
  readonly headers: Record<string, string>;
  readonly body?: string;
  readonly timeoutMs: number;
}

/** One HTTP exchange, timed; a network failure becomes a result with `error`, not an exception. */
export async function send(req: HttpRequest): Promise<HttpResult> {
  const started = performance.now();
  try {
    const res = await fetch(req.url, { method: req.method, headers: req.headers, body: req.body, signal: AbortSignal.timeout(req.timeoutMs), redirect: 'manual' });
    const body = await res.text();
    const color = res.headers.get(COLOR_HEADER)?.trim().toLowerCase();
    return { status: res.status, body, latencyMs: Math.round(performance.now() - started), ...(color ? { color } : {}) };
  } catch (e) {
    return { status: 0, body: '', latencyMs: Math.round(performance.now() - started), error: (e as Error).message };
  }
}
