import * as http from 'node:http';
import { AddressInfo } from 'node:net';

/** A request the fake GitHub received. */
export interface Received {
  method: string;
  path: string;
  body?: any;
  authorized: boolean;
}

/**
 * A local HTTP server that answers the few GitHub REST endpoints Prism uses, with real pagination
 * (Link headers) and scripted failures. Listens on 127.0.0.1 only.
 */
export class FakeGitHub {
  readonly received: Received[] = [];
  comments: { id: number; body: string; user?: { login: string } }[] = [];
  /** Who the token belongs to (GET /user); undefined answers 403, as for a workflow's GITHUB_TOKEN. */
  login?: string;
  pr = { labels: [] as { name: string }[], body: '' };
  /** Pull requests by the commit they were merged as (GET /repos/O/R/commits/SHA/pulls). */
  mergedAs: Record<string, { number: number; merged_at: string | null }[]> = {};
  /** Issues (the drift issue); comments on any issue number share `comments`. */
  issues: { number: number; title: string; body: string; state: 'open' | 'closed'; labels: { name: string }[]; user: { login: string } }[] = [];
  /** Status codes to answer the next matching requests with, in order. */
  failures: { method: string; status: number; message?: string }[] = [];
  perPage = 100;
  private server?: http.Server;
  private nextId = 1000;

  async start(): Promise<string> {
    this.server = http.createServer((req, res) => {
      let raw = '';
      req.on('data', (c) => (raw += c));
      req.on('end', () => this.handle(req, raw, res));
    });
    await new Promise<void>((r) => this.server!.listen(0, '127.0.0.1', r));
    return `http://127.0.0.1:${(this.server!.address() as AddressInfo).port}`;
  }

  async stop(): Promise<void> {
    await new Promise<void>((r) => this.server?.close(() => r()));
  }

  private handle(req: http.IncomingMessage, raw: string, res: http.ServerResponse): void {
    const url = new URL(req.url!, 'http://x');
    const body = raw ? JSON.parse(raw) : undefined;
    this.received.push({ method: req.method!, path: url.pathname + url.search, body, authorized: req.headers.authorization === 'token test-token' });
    const send = (status: number, data: unknown, headers: Record<string, string> = {}) => {
      res.writeHead(status, { 'content-type': 'application/json', ...headers });
      res.end(JSON.stringify(data));
    };
    const f = this.failures.findIndex((x) => x.method === req.method);
    if (f >= 0) {
      const { status, message } = this.failures.splice(f, 1)[0];
      return send(status, { message: message ?? `scripted ${status}` });
    }
    let m: RegExpExecArray | null;
    if (req.method === 'GET' && (m = /^\/repos\/[^/]+\/[^/]+\/issues\/(\d+)\/comments$/.exec(url.pathname))) {
      const perPage = Number(url.searchParams.get('per_page') ?? 30);
      const page = Number(url.searchParams.get('page') ?? 1);
      const slice = this.comments.slice((page - 1) * Math.min(perPage, this.perPage), page * Math.min(perPage, this.perPage));
      const last = Math.max(1, Math.ceil(this.comments.length / Math.min(perPage, this.perPage)));
      const headers: Record<string, string> = {};
      if (page < last) {
        const next = new URL(url.toString());
        next.searchParams.set('page', String(page + 1));
        headers.link = `<http://${req.headers.host}${next.pathname}${next.search}>; rel="next"`;
      }
      return send(200, slice, headers);
    }
    if (req.method === 'POST' && /^\/repos\/[^/]+\/[^/]+\/issues\/\d+\/comments$/.test(url.pathname)) {
      const c = { id: this.nextId++, body: body.body, user: { login: this.login ?? 'github-actions[bot]' } };
      this.comments.push(c);
      return send(201, c);
    }
    if (req.method === 'PATCH' && (m = /^\/repos\/[^/]+\/[^/]+\/issues\/comments\/(\d+)$/.exec(url.pathname))) {
      const c = this.comments.find((x) => x.id === Number(m![1]));
      if (!c) return send(404, { message: 'Not Found' });
      c.body = body.body;
      return send(200, c);
    }
    if (req.method === 'GET' && /^\/repos\/[^/]+\/[^/]+\/pulls\/\d+$/.test(url.pathname)) return send(200, { number: 7, ...this.pr });
    if (req.method === 'POST' && /^\/repos\/[^/]+\/[^/]+\/issues\/\d+\/labels$/.test(url.pathname)) {
      for (const name of body.labels as string[]) if (!this.pr.labels.some((l) => l.name === name)) this.pr.labels.push({ name });
      return send(200, this.pr.labels);
    }
    if (req.method === 'DELETE' && (m = /^\/repos\/[^/]+\/[^/]+\/issues\/\d+\/labels\/(.+)$/.exec(url.pathname))) {
      const name = decodeURIComponent(m[1]);
      this.pr.labels = this.pr.labels.filter((l) => l.name !== name);
      return send(200, this.pr.labels);
    }
    if (req.method === 'GET' && (m = /^\/repos\/[^/]+\/[^/]+\/commits\/([0-9a-f]+)\/pulls$/.exec(url.pathname))) return send(200, this.mergedAs[m[1]] ?? []);
    if (req.method === 'GET' && /^\/repos\/[^/]+\/[^/]+\/issues$/.test(url.pathname)) {
      const label = url.searchParams.get('labels');
      const state = url.searchParams.get('state') ?? 'open';
      return send(200, this.issues.filter((i) => (state === 'all' || i.state === state) && (!label || i.labels.some((l) => l.name === label))));
    }
    if (req.method === 'POST' && /^\/repos\/[^/]+\/[^/]+\/issues$/.test(url.pathname)) {
      const issue = { number: this.nextId++, title: body.title, body: body.body, state: 'open' as const, labels: (body.labels ?? []).map((name: string) => ({ name })), user: { login: this.login ?? 'github-actions[bot]' } };
      this.issues.push(issue);
      return send(201, issue);
    }
    if (req.method === 'PATCH' && (m = /^\/repos\/[^/]+\/[^/]+\/issues\/(\d+)$/.exec(url.pathname))) {
      const issue = this.issues.find((i) => i.number === Number(m![1]));
      if (!issue) return send(404, { message: 'Not Found' });
      Object.assign(issue, body);
      return send(200, issue);
    }
    if (req.method === 'GET' && url.pathname === '/user') return this.login ? send(200, { login: this.login }) : send(403, { message: 'Resource not accessible by integration' });
    send(404, { message: 'Not Found' });
  }
}
