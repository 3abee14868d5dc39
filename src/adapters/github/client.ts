import { retry } from '@octokit/plugin-retry';
import { throttling } from '@octokit/plugin-throttling';
import { Octokit } from '@octokit/rest';
import { usageError } from '../../core/errors';

const PrismOctokit = Octokit.plugin(retry, throttling);
export type GitHub = InstanceType<typeof PrismOctokit>;

/** Options for `createGitHub`. */
export interface GitHubOptions {
  /** @default process.env.GITHUB_TOKEN */
  readonly token?: string;
  /** @default process.env.GITHUB_API_URL or https://api.github.com */
  readonly baseUrl?: string;
  /** Base of the retry waits, in ms (tests make it small). @default 1000 */
  readonly retryAfterBaseValue?: number;
  /** Retries for rate limits. @default 3 */
  readonly rateLimitRetries?: number;
  readonly log?: (line: string) => void;
}

/**
 * An Octokit that retries 5xx responses (plugin-retry) and waits out primary and secondary rate
 * limits (plugin-throttling). The token is only ever sent in the Authorization header.
 */
export function createGitHub(options: GitHubOptions = {}): GitHub {
  const token = options.token ?? process.env.GITHUB_TOKEN;
  if (!token) throw usageError('GITHUB_TOKEN is not set; prism needs it to post the preview', 'In Actions, pass `env: GITHUB_TOKEN: ${{ secrets.GITHUB_TOKEN }}` to the step.');
  const log = options.log ?? (() => undefined);
  const limitRetries = options.rateLimitRetries ?? 3;
  const base = options.retryAfterBaseValue ?? 1000;
  return new PrismOctokit({
    auth: token,
    baseUrl: options.baseUrl ?? process.env.GITHUB_API_URL ?? 'https://api.github.com',
    userAgent: 'prism-iam-gitops',
    retry: { retryAfterBaseValue: base },
    throttle: {
      retryAfterBaseValue: base,
      fallbackSecondaryRateRetryAfter: 60,
      onRateLimit: (retryAfter: number, o: { method: string; url: string }, _k: unknown, retryCount: number) => {
        log(`github: rate limited on ${o.method} ${o.url}; retrying after ${retryAfter}s`);
        return retryCount < limitRetries;
      },
      onSecondaryRateLimit: (retryAfter: number, o: { method: string; url: string }, _k: unknown, retryCount: number) => {
        log(`github: secondary rate limit on ${o.method} ${o.url}; retrying after ${retryAfter}s`);
        return retryCount < limitRetries;
      },
    },
    log: { debug: () => undefined, info: () => undefined, warn: (m: string) => log(m), error: (m: string) => log(m) },
  });
}

/** owner/name, split. */
export function parseRepoSlug(slug: string | undefined): { owner: string; repo: string } {
  const m = /^([\w.-]+)\/([\w.-]+)$/.exec(slug ?? '');
  if (!m) throw usageError(`repository is ${JSON.stringify(slug ?? '')}; expected owner/name (--repo, or GITHUB_REPOSITORY in Actions)`);
  return { owner: m[1], repo: m[2] };
}
