import * as path from 'node:path';
import { generateDashboard } from '../../dashboard/generate-dashboard';
import { info, parseFlags, wholeNumber } from '../args';

export const DASHBOARD_HELP = `prism dashboard [--dir DIR] [--out FOLDER] [--repo-url URL] [--page-size N]

Renders the rollout ledger as a static site (HTML and CSS, no CDN, works offline and on GitHub
Pages): an index of every policy with its status chips, a page per policy (one row per account,
filters, rollout waves with timelines, the retry command when accounts failed) and a page per account.

  --dir DIR         repository root (default: current directory)
  --out FOLDER      where to write the site (default: <dir>/.prism/dashboard). It must be absent,
                    empty, or a folder prism dashboard wrote before; it is replaced atomically
  --repo-url URL    https://github.com/OWNER/NAME for commit, pull request and workflow links
                    (default: $GITHUB_SERVER_URL/$GITHUB_REPOSITORY, else from the ledger's run links)
  --page-size N     most rows in one table page (default 250)`;

/** `prism dashboard`. */
export async function dashboardCommand(argv: string[]): Promise<number> {
  const { values } = parseFlags(argv, { dir: { type: 'string' }, out: { type: 'string' }, 'repo-url': { type: 'string' }, 'page-size': { type: 'string' } });
  if (values.help) {
    process.stdout.write(DASHBOARD_HELP + '\n');
    return 0;
  }
  const dir = path.resolve(values.dir ?? '.');
  const out = path.resolve(values.out ?? path.join(dir, '.prism', 'dashboard'));
  const { GITHUB_SERVER_URL: server, GITHUB_REPOSITORY: repo } = process.env;
  const repoUrl = values['repo-url'] ?? (server && repo ? `${server}/${repo}` : undefined);
  const pageSize = wholeNumber('page-size', values['page-size'], 250, 10, 10_000);
  const r = generateDashboard({ dir, out, repoUrl, pageSize, log: info });
  const rel = path.relative(process.cwd(), out) || '.';
  info(`dashboard: ${r.policies} policies, ${r.accounts} account(s), ${r.lines.toLocaleString('en-US')} ledger line(s) -> ${path.join(rel, 'index.html')} (${r.files.toLocaleString('en-US')} files, ${(r.bytes / 1e6).toFixed(1)} MB)`);
  return 0;
}
