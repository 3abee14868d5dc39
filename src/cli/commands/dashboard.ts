import * as path from 'node:path';
import { usageError } from '../../core/errors';
import { dashboard } from '../../pipeline/dashboard';
import { repoDir, wholeNumber } from '../args';
import { defineCommand } from '../command';
import { DIR, QUIET } from '../flags';
import { shown } from '../output';
import { TerminalReporter } from '../terminal';

/** `prism dashboard`. */
export const command = defineCommand({
  name: 'dashboard',
  summary: 'the rollout dashboard: a static site from the ledger (offline, GitHub Pages)',
  usage: ['dashboard [--out FOLDER] [--repo-url URL] [--page-size N] [--cache FOLDER | --no-cache] [--dir DIR] [--quiet]'],
  description: `Renders the rollout ledger as a static site (HTML and CSS, no CDN, works offline and on GitHub
Pages): an index of every policy with its status chips, a page per policy (one row per account,
filters, rollout waves with timelines, the retry command when accounts failed) and a page per account.`,
  flags: {
    quiet: QUIET,
    dir: DIR,
    out: { type: 'string', value: 'FOLDER', description: 'where to write the site (default: <dir>/.prism/dashboard); absent, empty, or a folder prism dashboard wrote before; replaced atomically' },
    'repo-url': { type: 'string', value: 'URL', description: 'https://github.com/OWNER/NAME for commit, pull request and workflow links (default: $GITHUB_SERVER_URL/$GITHUB_REPOSITORY, else from the ledger\'s run links)' },
    'page-size': { type: 'string', value: 'N', description: 'most rows in one table page (default 250, from 10 to 10000)' },
    cache: { type: 'string', value: 'FOLDER', description: 'where the folds of ledger files are kept between builds, so that a build parses only new ledger files (default: <dir>/.prism/cache/dashboard)' },
    'no-cache': { type: 'boolean', description: 'parse every ledger file and keep nothing' },
  },
  examples: [
    { command: 'dashboard', description: 'build .prism/dashboard/index.html from the checkout\'s ledger' },
    { command: 'dashboard --out site --repo-url https://github.com/acme/iam-policies', description: 'for GitHub Pages, with links to commits, pull requests and runs' },
    { command: 'dashboard --no-cache', description: 'parse the whole ledger again, keeping no cache' },
  ],
  exitCodes: ['0 written', '2 usage error (an output folder Prism did not make, a bad flag)'],
  async run({ flags }, io) {
    const { GITHUB_SERVER_URL: server, GITHUB_REPOSITORY: repo } = process.env;
    const reporter = new TerminalReporter('dashboard', io, { quiet: flags.quiet });
    const dir = repoDir(flags.dir);
    if (flags.cache !== undefined && flags['no-cache']) throw usageError('give --cache FOLDER or --no-cache, not both');
    const r = await dashboard({
      dir,
      out: flags.out,
      repoUrl: flags['repo-url'] ?? (server && repo ? `${server}/${repo}` : undefined),
      pageSize: wholeNumber('page-size', flags['page-size'], 250, 10, 10_000),
      cache: flags['no-cache'] ? false : flags.cache,
      reporter,
    });
    reporter.info(`dashboard: ${r.policies} policies, ${r.accounts} account(s), ${r.lines.toLocaleString('en-US')} ledger line(s) in ${r.ledgerFiles.toLocaleString('en-US')} file(s) -> ${shown(path.join(r.out, 'index.html'))} (${r.files.toLocaleString('en-US')} files, ${(r.bytes / 1e6).toFixed(1)} MB)`);
    return 0;
  },
});
