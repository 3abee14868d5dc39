import { ROLLOUT_EVENTS, RolloutStatus } from '../model/rollout';
import { chipsText, countStatuses, PolicyRollouts, RolloutAggregate, RolloutView, StatusCounts, WaveInfo } from './aggregate';
import { FILTER_JS, STYLE_CSS } from './assets';
import { formatDuration, formatTime, isoTime, shortSha } from './format';
import { escapeHtml as e, safeHttpUrl } from './html';
import { statusBar, waveTimeline } from './svg';

/**
 * What the site shows of the repository: names, descriptions, files, permission sets and
 * assignments. Plain data (a `RepoDocuments` is one), so that it can be handed to worker threads.
 */
export interface SiteDocuments {
  readonly policies: ReadonlyMap<string, { readonly description?: string; readonly file: string }>;
  readonly permissionSets: ReadonlyMap<string, { readonly name: string; readonly customerManagedPolicies: readonly string[] }>;
  readonly assignments: readonly { readonly permissionSet: string; readonly accounts: readonly string[] }[];
}

/** Only what the site shows of the documents, as plain data. */
export function siteDocuments(d: SiteDocuments): SiteDocuments {
  return {
    policies: new Map([...d.policies].map(([k, v]) => [k, { ...(v.description !== undefined ? { description: v.description } : {}), file: v.file }])),
    permissionSets: new Map([...d.permissionSets].map(([k, v]) => [k, { name: v.name, customerManagedPolicies: [...v.customerManagedPolicies] }])),
    assignments: d.assignments.map((a) => ({ permissionSet: a.permissionSet, accounts: [...a.accounts] })),
  };
}

/**
 * What the account pages read: every policy's latest rollout in each account. The aggregate is
 * one; `LatestTable` (./latest-table.ts) is another, small enough to hand to a worker thread that
 * renders the account pages while this one renders the policy pages.
 */
export interface AccountsSource {
  /** Every policy name in the ledger. */
  policyNames(): string[];
  /** Every account in the ledger. */
  accounts(): string[];
  /** Every policy's latest rollout in one account. */
  latestInAccount(account: string): { policy: string; rollout: RolloutView }[];
  /** The statuses of those rollouts, counted, and how many there are. */
  countsInAccount(account: string): { counts: StatusCounts; policies: number };
  /** How many waves a policy has (0 when none). */
  waveCount(policy: string): number;
}

/** Which pages to render: every page, those of the index and the policies, or those of the accounts. */
export type SitePart = 'all' | 'policies' | 'accounts';

/** One file of the site: its path relative to the site root, and its content. */
export interface SitePage {
  readonly path: string;
  readonly content: string;
}

/** How the site is rendered. */
export interface RenderOptions {
  /** Shown on every page; passed in so that rendering stays pure. */
  readonly generatedAt: Date;
  /** The GitHub repository (https://github.com/OWNER/NAME) for commit, pull request and workflow links. @default none: commits and PRs are shown as text */
  readonly repoUrl?: string;
  /** Most rows in one table page. @default 250 */
  readonly pageSize?: number;
  /** Most waves on one page. @default 20 */
  readonly wavesPerPage?: number;
}

/**
 * The status views of a policy's accounts: every account, and complete lists of the failed and the
 * pending ones (the accounts someone acts on). Successful accounts are nearly all of a large
 * policy: a view of them would repeat the whole table, so the status filter within each page of
 * the "All" view shows them instead.
 */
const STATUS_VIEWS: { view: string; status?: RolloutStatus; label: string }[] = [
  { view: 'all', label: 'All' },
  { view: 'failed', status: 'FAILED', label: 'Failed' },
  { view: 'pending', status: 'PENDING', label: 'Pending' },
];

/**
 * A file-name-safe, reversible name for a policy folder: letters, digits and `-` stay; any other
 * character becomes `_` and its hex code (as Terraform addresses do). Names that differ only by
 * case (a case-insensitive file system would merge them) get `~2`, `~3`, ... in ledger order.
 */
export function assignSlugs(names: readonly string[]): Map<string, string> {
  const slugs = new Map<string, string>();
  const taken = new Set<string>();
  for (const name of names) {
    const base = [...name].map((c) => (/[A-Za-z0-9-]/.test(c) ? c : `_${c.codePointAt(0)!.toString(16)}`)).join('') || '_';
    let slug = base;
    for (let k = 2; taken.has(slug.toLowerCase()); k++) slug = `${base}~${k}`;
    taken.add(slug.toLowerCase());
    slugs.set(name, slug);
  }
  return slugs;
}

/** Page file name of a view of a policy's accounts table: index.html, failed.html, all-2.html, ... */
export function viewFile(view: string, page: number): string {
  if (view === 'all' && page === 1) return 'index.html';
  return page === 1 ? `${view}.html` : `${view}-${page}.html`;
}

function chunk<T>(items: readonly T[], size: number): T[][] {
  const out: T[][] = [];
  for (let i = 0; i < items.length; i += size) out.push(items.slice(i, i + size));
  return out.length ? out : [[]];
}

/** Everything about the repository that pages show, derived once from the documents. */
interface RepoFacts {
  /** policy -> permission sets that list it */
  readonly setsOfPolicy: Map<string, string[]>;
  /** policy -> accounts the repository assigns it to */
  readonly accountsOfPolicy: Map<string, Set<string>>;
  /** account -> permission sets assigned */
  readonly setsOfAccount: Map<string, Set<string>>;
}

function repoFacts(documents: SiteDocuments): RepoFacts {
  const setsOfPolicy = new Map<string, string[]>();
  const accountsOfSet = new Map<string, Set<string>>();
  const setsOfAccount = new Map<string, Set<string>>();
  for (const a of documents.assignments) {
    const accounts = accountsOfSet.get(a.permissionSet) ?? new Set<string>();
    for (const acct of a.accounts) {
      accounts.add(acct);
      const sets = setsOfAccount.get(acct) ?? new Set<string>();
      sets.add(a.permissionSet);
      setsOfAccount.set(acct, sets);
    }
    accountsOfSet.set(a.permissionSet, accounts);
  }
  const accountsOfPolicy = new Map<string, Set<string>>();
  for (const ps of [...documents.permissionSets.values()].sort((a, b) => (a.name < b.name ? -1 : 1))) {
    for (const cmp of new Set(ps.customerManagedPolicies)) {
      setsOfPolicy.set(cmp, [...(setsOfPolicy.get(cmp) ?? []), ps.name]);
      const accts = accountsOfPolicy.get(cmp) ?? new Set<string>();
      for (const acct of accountsOfSet.get(ps.name) ?? []) accts.add(acct);
      accountsOfPolicy.set(cmp, accts);
    }
  }
  return { setsOfPolicy, accountsOfPolicy, setsOfAccount };
}

/** Links into the GitHub repository, when it is known. */
class Links {
  readonly repo?: string;
  constructor(repoUrl: string | undefined) {
    const safe = safeHttpUrl(repoUrl);
    this.repo = safe?.replace(/\/+$/, '');
  }
  commit(sha: string): string {
    const label = `<code>${e(shortSha(sha) || '-')}</code>`;
    return this.repo && /^[0-9a-f]{7,64}$/i.test(sha) ? `<a href="${e(`${this.repo}/commit/${sha}`)}">${label}</a>` : label;
  }
  pullRequest(n: number | undefined): string {
    if (n === undefined || !Number.isInteger(n) || n <= 0) return '';
    return this.repo ? `<a href="${e(`${this.repo}/pull/${n}`)}">#${n}</a>` : `#${n}`;
  }
  run(url: string | undefined, label = 'run'): string {
    const safe = safeHttpUrl(url);
    return safe ? `<a href="${e(safe)}">${e(label)}</a>` : '';
  }
  private readonly changes = new WeakMap<WaveInfo, string>();
  /** commit · PR · run, for a wave (every row of the wave shows it: made once) */
  change(w: WaveInfo): string {
    let html = this.changes.get(w);
    if (html === undefined) {
      html = [this.commit(w.commit), this.pullRequest(w.pullRequest), this.run(w.runUrl)].filter(Boolean).join(' · ');
      this.changes.set(w, html);
    }
    return html;
  }
  retryWorkflow(): string | undefined {
    return this.repo && `${this.repo}/actions/workflows/prism-retry.yml`;
  }
}

function layout(title: string, depth: number, body: string, options: RenderOptions): string {
  const up = '../'.repeat(depth);
  return `<!doctype html>
<html lang="en">
<head>
<meta charset="utf-8">
<meta name="viewport" content="width=device-width, initial-scale=1">
<meta name="generator" content="prism dashboard">
<title>${e(title)} · Prism rollouts</title>
<link rel="stylesheet" href="${up}assets/style.css">
<script src="${up}assets/filter.js" defer></script>
</head>
<body>
<a class="skip" href="#main">Skip to content</a>
<header class="site"><a href="${up}index.html">Prism · Rollout status</a></header>
<main id="main">
${body}
<p class="note">Generated ${e(formatTime(options.generatedAt.getTime()))} from the rollout ledger by <code>prism dashboard</code>.</p>
</main>
</body>
</html>
`;
}

function chips(c: StatusCounts): string {
  const li = (n: number, word: string, cls: string) => `<li class="${n ? cls : 'zero'}">${n} ${word}</li>`;
  return `<ul class="chips" aria-label="${e(chipsText(c))}">${li(c.SUCCESS, 'success', 'SUCCESS')}${li(c.PENDING, 'pending', 'PENDING')}${li(c.FAILED, 'failed', 'FAILED')}</ul>`;
}

const badge = (s: RolloutStatus) => `<span class="badge ${s}">${s}</span>`;

function timeCell(ms: number): string {
  const iso = isoTime(ms);
  return iso ? `<time datetime="${iso}">${e(formatTime(ms))}</time>` : '-';
}

function duration(r: { startedAt: number; endedAt: number; status: RolloutStatus }): string {
  if (r.status === 'PENDING' || !Number.isFinite(r.endedAt)) return r.status === 'PENDING' ? 'running' : '-';
  return e(formatDuration(r.endedAt - r.startedAt));
}

function pagination(label: string, pages: number, current: number, file: (page: number) => string, rangeOf?: (page: number) => string): string {
  if (pages <= 1) return '';
  const items = Array.from({ length: pages }, (_, i) => {
    const n = i + 1;
    const range = rangeOf ? ` <span class="mono">${e(rangeOf(n))}</span>` : '';
    return `<li><a href="${e(file(n))}"${n === current ? ' aria-current="page"' : ''}>Page ${n}${range}</a></li>`;
  });
  return `<nav class="pages" aria-label="${e(label)}"><ul>${items.join('')}</ul></nav>`;
}

function searchBox(id: string, label: string, rowsSelector: string): string {
  return `<p class="search" data-search="${e(rowsSelector)}" hidden><label for="${id}">${e(label)}</label> <input id="${id}" type="search" autocomplete="off"> <span role="status" aria-live="polite"></span></p>`;
}

/** What every part of the site derives from the documents and the ledger's policy names. */
function siteContext(documents: SiteDocuments, policyNames: readonly string[], repoUrl: string | undefined) {
  const names = [...new Set([...documents.policies.keys(), ...policyNames])].sort((a, b) => a.localeCompare(b, 'en') || (a < b ? -1 : 1));
  return { facts: repoFacts(documents), links: new Links(repoUrl), names, slugs: assignSlugs(names) };
}

/**
 * Renders the pages of the site, one at a time, so that the caller can write each and let it go:
 * all of them, or one part (`policies`: the assets, the index and the policy pages; `accounts`: the
 * account pages).
 */
export function* renderSite(agg: RolloutAggregate, documents: SiteDocuments, options: RenderOptions, part: SitePart = 'all'): Generator<SitePage> {
  const repoUrl = options.repoUrl ?? deriveRepoUrl(agg);
  if (part !== 'accounts') yield* renderPolicyPages(agg, documents, { ...options, repoUrl });
  if (part !== 'policies') yield* renderAccountPages(agg, documents, { ...options, repoUrl });
}

/** The assets, the index and each policy's pages. */
function* renderPolicyPages(agg: RolloutAggregate, documents: SiteDocuments, options: RenderOptions): Generator<SitePage> {
  const pageSize = options.pageSize ?? 250;
  const { facts, links, names, slugs } = siteContext(documents, agg.policyNames(), options.repoUrl);

  yield { path: 'assets/style.css', content: STYLE_CSS };
  yield { path: 'assets/filter.js', content: FILTER_JS };
  yield { path: '.nojekyll', content: '' };

  // per-policy summaries, for the index
  const summaries = names.map((name) => {
    const rollouts = agg.policy(name);
    const latest = rollouts?.latestPerAccount() ?? [];
    const waves = rollouts?.waves() ?? [];
    const last = waves.reduce<WaveInfo | undefined>((a, w) => (!a || w.number > a.number ? w : a), undefined);
    return { name, rollouts, counts: countStatuses(latest), last, accounts: latest.length };
  });

  yield { path: 'index.html', content: renderIndex(summaries, documents, facts, slugs, links, agg, options) };

  const accountHeads = new Map<string, string>();
  for (const s of summaries) yield* renderPolicy(s.name, s.rollouts, s.counts, documents, facts, slugs.get(s.name)!, links, options, pageSize, accountHeads);
}

/**
 * The accounts list and each account's page, from the latest rollout of every policy in each
 * account. `options.repoUrl` is used as it is (undefined: no links to the repository).
 */
export function* renderAccountPages(src: AccountsSource, documents: SiteDocuments, options: RenderOptions): Generator<SitePage> {
  const pageSize = options.pageSize ?? 250;
  const { facts, links, slugs } = siteContext(documents, src.policyNames(), options.repoUrl);
  const accounts = [...new Set([...src.accounts(), ...facts.setsOfAccount.keys()])].sort();
  const accountPages = chunk(accounts, pageSize);
  const accountsFile = (n: number) => (n === 1 ? 'index.html' : `index-${n}.html`);
  for (let i = 0; i < accountPages.length; i++) {
    const rows = accountPages[i]
      .map((account) => {
        const { counts: c, policies } = src.countsInAccount(account);
        return `<tr class="${c.FAILED ? 'failed' : c.PENDING ? 'pending' : policies ? 'ok' : 'none'}" data-key="${e(account)}"><th scope="row"><a href="${e(account)}.html">${e(account)}</a></th><td>${policies}</td><td>${chips(c)}</td><td>${e([...(facts.setsOfAccount.get(account) ?? [])].sort().join(', ') || '-')}</td></tr>`;
      })
      .join('\n');
    const body = `<p class="crumbs"><a href="../index.html">All policies</a> &rsaquo; Accounts</p>
<h1>Accounts</h1>
<p>${accounts.length} account(s) with a Prism rollout or an assignment. Each links to every Prism policy there and its last rollout.</p>
${searchBox('q', 'Find an account', '#accounts tbody tr')}
${pagination('Pages of accounts', accountPages.length, i + 1, accountsFile, (n) => rangeLabel(accountPages[n - 1]))}
<table id="accounts"><caption>Accounts${accountPages.length > 1 ? `, page ${i + 1} of ${accountPages.length}` : ''}</caption>
<thead><tr><th scope="col">Account</th><th scope="col">Policies with rollouts</th><th scope="col">Latest rollouts</th><th scope="col">Permission sets (repository)</th></tr></thead>
<tbody>
${rows}
</tbody></table>`;
    yield { path: `accounts/${accountsFile(i + 1)}`, content: layout('Accounts', 1, body, options) };
  }
  const waveCounts = new Map<string, number>();
  const waveCount = (policy: string) => {
    let n = waveCounts.get(policy);
    if (n === undefined) waveCounts.set(policy, (n = src.waveCount(policy)));
    return n;
  };
  const policyHeads = new Map<string, string>();
  const waveCells = new Map<WaveInfo, string>();
  for (const account of accounts) yield* renderAccount(account, src.latestInAccount(account), documents, facts, slugs, waveCount, links, options, pageSize, policyHeads, waveCells);
}

/** The repository link from a workflow run link in the ledger (https://github.com/O/R/actions/runs/N). */
export function deriveRepoUrl(agg: RolloutAggregate): string | undefined {
  for (const name of agg.policyNames()) {
    for (const w of agg.policy(name)!.waves()) {
      const m = w.runUrl && /^(https?:\/\/[^/]+\/[^/]+\/[^/]+)\/actions\/runs\/\d+/.exec(w.runUrl);
      if (m) return m[1];
    }
  }
  return undefined;
}

function rangeLabel(accounts: readonly string[]): string {
  return accounts.length ? `${accounts[0]} to ${accounts[accounts.length - 1]}` : '';
}

interface PolicySummary {
  name: string;
  rollouts?: PolicyRollouts;
  counts: StatusCounts;
  last?: WaveInfo;
  accounts: number;
}

function policyClass(s: PolicySummary): string {
  const c = s.counts;
  const classes = [c.FAILED ? 'failed' : '', c.PENDING ? 'pending' : '', s.accounts && !c.FAILED && !c.PENDING ? 'ok' : '', s.accounts ? '' : 'none'].filter(Boolean);
  return classes.join(' ');
}

function renderIndex(summaries: PolicySummary[], documents: SiteDocuments, facts: RepoFacts, slugs: Map<string, string>, links: Links, agg: RolloutAggregate, options: RenderOptions): string {
  const n = (f: (s: PolicySummary) => boolean) => summaries.filter(f).length;
  const filters = [
    { id: 'all', label: `All (${summaries.length})` },
    { id: 'failed', label: `With failed accounts (${n((s) => s.counts.FAILED > 0)})` },
    { id: 'pending', label: `With pending accounts (${n((s) => s.counts.PENDING > 0)})` },
    { id: 'ok', label: `All succeeded (${n((s) => s.accounts > 0 && !s.counts.FAILED && !s.counts.PENDING)})` },
    { id: 'none', label: `No rollouts (${n((s) => s.accounts === 0)})` },
  ];
  const rows = summaries.map((s, i) => {
    const doc = documents.policies.get(s.name);
    const href = `policies/${slugs.get(s.name)}/index.html`;
    const where = doc ? (doc.description ? `<div class="desc">${e(doc.description)}</div>` : '') : `<div class="desc">Not in the repository: deleted or renamed.</div>`;
    const last = s.last ? `${links.change(s.last)}<br>${timeCell(s.last.startedAt)}` : '<span class="muted">never rolled out</span>';
    const sets = facts.setsOfPolicy.get(s.name) ?? (doc ? [] : [...(s.rollouts?.permissionSets ?? [])]);
    const setsCell = sets.length ? sets.map((p) => e(p)).join(', ') : doc ? '<span class="muted">none: in the library only</span>' : '-';
    return `<tr class="${policyClass(s)}" data-key="${e(s.name.toLowerCase())}"><th scope="row"><a href="${e(href)}">${e(s.name)}</a>${where}</th><td>${chips(s.counts)}</td><td>${statusBar(s.counts, { id: `bar-${i}`, width: 140, height: 12 })}</td><td>${last}</td><td>${setsCell}</td></tr>`;
  });
  const totals: StatusCounts = { SUCCESS: 0, PENDING: 0, FAILED: 0 };
  for (const s of summaries) for (const k of ['SUCCESS', 'PENDING', 'FAILED'] as const) totals[k] += s.counts[k];
  const body = `<h1>Rollout status</h1>
<p>${summaries.length} customer managed polic${summaries.length === 1 ? 'y' : 'ies'}, ${agg.accounts().length} account(s) with rollouts (<a href="accounts/index.html">all accounts</a>). The latest rollout of each policy in each account:</p>
${chips(totals)}
<div class="fx">
<fieldset class="filters"><legend>Show policies</legend>
${filters.map((f, i) => `<label><input type="radio" name="show" id="show-${f.id}"${i === 0 ? ' checked' : ''}> ${e(f.label)}</label>`).join('\n')}
</fieldset>
${searchBox('q', 'Search by name', '#policies tbody tr')}
<table id="policies"><caption>Customer managed policies, by name</caption>
<thead><tr><th scope="col">Policy</th><th scope="col">Rollout status</th><th scope="col">Accounts by status</th><th scope="col">Last change</th><th scope="col">Permission sets</th></tr></thead>
<tbody>
${rows.join('\n')}
</tbody></table>
</div>`;
  return layout('All policies', 0, body, options);
}

/** Where a wave's row is: on the policy's main page, or on an older-waves page. */
function waveHref(policyPage: string, wave: WaveInfo, waveCount: number, wavesPerPage: number): string {
  const page = Math.floor((waveCount - wave.number) / wavesPerPage) + 1;
  return `${page === 1 ? policyPage : policyPage.replace(/index\.html$/, `waves-${page}.html`)}#wave-${wave.number}`;
}

/** The first cell of a row: a link to the account or the policy (made once per target and reused). */
function rowHead(label: string, href: string): string {
  return `<th scope="row"><a href="${e(href)}">${e(label)}</a></th>`;
}

/** A start time as a table cell's text, escaped (the rows of a wave share it: made once). */
const startText = new Map<number, string>();
function startCell(ms: number): string {
  let s = startText.get(ms);
  if (s === undefined) {
    if (startText.size > 10_000) startText.clear();
    startText.set(ms, (s = e(formatTime(ms))));
  }
  return s;
}

/** `head`: from rowHead; `wave`: the link to the rollout's wave and its change (the same for every row of the wave). */
function rolloutRow(r: RolloutView, head: string, wave: string): string {
  const err = r.error ? `<td class="err">${e(r.error)}</td>` : '<td></td>';
  return `<tr class="${r.status.toLowerCase()} ev-${r.event}">${head}<td>${r.event}</td><td>${badge(r.status)}</td>${err}<td>${startCell(r.startedAt)}</td><td>${duration(r)}</td><td>${wave}</td></tr>`;
}

/** The wave cell of a rollout row: the link to its wave, and the change (commit · PR · run). */
function waveCell(wave: WaveInfo, href: string, links: Links): string {
  return `<a href="${e(href)}">wave ${wave.number}</a>: ${links.change(wave)}`;
}

/** Radio buttons that show the rows of one status on this page (CSS only), when the page has more than one. */
function statusFilter(rows: readonly RolloutView[]): string {
  const count = (st: RolloutStatus) => rows.reduce((n, r) => n + (r.status === st ? 1 : 0), 0);
  const present = (['SUCCESS', 'FAILED', 'PENDING'] as const).map((st) => ({ st, n: count(st) })).filter((x) => x.n);
  if (present.length < 2) return '';
  return `<fieldset class="filters"><legend>Status on this page</legend>
<label><input type="radio" name="status" id="st-all" checked> All (${rows.length})</label>
${present.map(({ st, n }) => `<label><input type="radio" name="status" id="st-${st.toLowerCase()}"> ${st} (${n})</label>`).join('\n')}
</fieldset>`;
}

function eventFilter(rows: readonly RolloutView[]): string {
  const present = ROLLOUT_EVENTS.filter((ev) => rows.some((r) => r.event === ev));
  if (present.length < 2) return '';
  const count = (ev: string) => rows.filter((r) => r.event === ev).length;
  return `<fieldset class="filters"><legend>Event</legend>
<label><input type="radio" name="event" id="ev-all" checked> All (${rows.length})</label>
${present.map((ev) => `<label><input type="radio" name="event" id="ev-${ev}"> ${ev} (${count(ev)})</label>`).join('\n')}
</fieldset>`;
}

function* renderPolicy(
  name: string,
  rollouts: PolicyRollouts | undefined,
  counts: StatusCounts,
  documents: SiteDocuments,
  facts: RepoFacts,
  slug: string,
  links: Links,
  options: RenderOptions,
  pageSize: number,
  /** the first cell of each account's row, shared by every policy's pages */
  heads: Map<string, string>,
): Generator<SitePage> {
  const doc = documents.policies.get(name);
  const latest = rollouts?.latestPerAccount() ?? [];
  const waves = rollouts?.wavesNewestFirst() ?? [];
  const sets = facts.setsOfPolicy.get(name) ?? [];
  const assigned = facts.accountsOfPolicy.get(name) ?? new Set<string>();
  const dir = `policies/${slug}`;

  // the header every page of the policy shares
  const lastWave = waves[0];
  const retryUrl = links.retryWorkflow();
  const retry = counts.FAILED
    ? `<div class="retry" role="note" aria-labelledby="retry-h"><h3 id="retry-h">${counts.FAILED} account(s) failed</h3>
<p>Fix the cause shown in the Error column (<a href="failed.html">the failed accounts</a>), then re-run only those rollouts:</p>
<pre><code>prism retry ${e(name)}</code></pre>
<p>${retryUrl ? `or run the <a href="${e(retryUrl)}">prism retry workflow</a> with the policy name <code>${e(name)}</code>.` : 'or run the <code>prism retry</code> workflow with this policy name.'}</p></div>`
    : '';
  const header = (current: string) => `<p class="crumbs"><a href="../../index.html">All policies</a> &rsaquo; ${e(name)}</p>
<h1>${e(name)}</h1>
${doc?.description ? `<p class="desc">${e(doc.description)}</p>` : ''}
<dl class="facts">
<dt>In each account</dt><dd>IAM policy <code>${e(`Prism-${name}`)}</code></dd>
<dt>Repository</dt><dd>${doc ? `<code>${e(doc.file)}</code>` : 'not in the repository: deleted or renamed'}</dd>
<dt>Permission sets</dt><dd>${sets.length ? sets.map((s) => e(s)).join(', ') : doc ? 'none: in the library only' : e((rollouts?.permissionSets ?? []).join(', ') || '-')}</dd>
<dt>Assigned accounts</dt><dd>${assigned.size} in the repository, ${latest.length} with rollouts</dd>
<dt>Last change</dt><dd>${lastWave ? `wave ${lastWave.number}: ${links.change(lastWave)}, ${timeCell(lastWave.startedAt)}` : 'never rolled out'}</dd>
</dl>
<h2 id="status">Rollout status</h2>
${chips(counts)}
${statusBar(counts, { id: `bar-${current}` })}
${retry}`;

  // the accounts table: one view per status, each cut into pages
  const viewNav = (current: string) =>
    `<nav class="views" aria-label="Filter accounts by status"><ul>${STATUS_VIEWS.map((v) => {
      const n = v.status ? counts[v.status] : latest.length;
      return `<li><a href="${viewFile(v.view, 1)}"${v.view === current ? ' aria-current="page"' : ''}>${v.label} (${n})</a></li>`;
    }).join('')}</ul></nav>`;
  const pagesOf = new Map(STATUS_VIEWS.map((v) => [v.view, chunk(v.status ? latest.filter((r) => r.status === v.status) : latest, pageSize)]));
  const wavesPerPage = options.wavesPerPage ?? 20;
  const wavePages = chunk(waves, wavesPerPage);
  // each account's row appears in the "all" view and in its status view: rendered once
  const rowCache = new Map<RolloutView, string>();
  const waveCells = new Map<WaveInfo, string>();
  const rowHtml = (r: RolloutView) => {
    let html = rowCache.get(r);
    if (html === undefined) {
      let head = heads.get(r.account);
      if (head === undefined) heads.set(r.account, (head = rowHead(r.account, `../../accounts/${r.account}.html`)));
      let wave = waveCells.get(r.wave);
      if (wave === undefined) waveCells.set(r.wave, (wave = waveCell(r.wave, waveHref('index.html', r.wave, waves.length, wavesPerPage), links)));
      rowCache.set(r, (html = rolloutRow(r, head, wave)));
    }
    return html;
  };

  for (const v of STATUS_VIEWS) {
    const pages = pagesOf.get(v.view)!;
    for (let i = 0; i < pages.length; i++) {
      const rows = pages[i];
      const file = viewFile(v.view, i + 1);
      const isMain = file === 'index.html';
      const caption = `${v.status ? `${v.label} accounts` : 'Accounts'}: latest rollout of ${name}${pages.length > 1 ? `, page ${i + 1} of ${pages.length}` : ''}`;
      const table = rows.length
        ? `${v.status ? '' : statusFilter(rows)}
${eventFilter(rows)}
${searchBox('q', 'Filter by account', '#rollouts tbody tr')}
${pages.length > 1 ? `<p class="note">The ${v.status ? '' : 'status and '}event filters and the account search apply to the rows of this page; pages are sorted by account.</p>` : ''}
<table id="rollouts"><caption>${e(caption)}</caption>
<thead><tr><th scope="col">Account</th><th scope="col">Event</th><th scope="col">Status</th><th scope="col">Error</th><th scope="col">Started</th><th scope="col">Duration</th><th scope="col">Change (wave: commit · PR · run)</th></tr></thead>
<tbody>
${rows.map(rowHtml).join('\n')}
</tbody></table>`
        : `<p>No account ${v.status ? `is ${v.status}` : 'has a rollout of this policy yet'}.</p>`;
      const wavesSection = isMain ? renderWaves(wavePages[0], rollouts, links, wavePages.length > 1 ? 'waves-2.html' : undefined, 1, wavePages.length) : `<p><a href="index.html#waves">Rollout waves</a> are on the policy's main page.</p>`;
      const body = `${header(v.view + (i + 1))}
<h2 id="accounts">Accounts</h2>
<div class="fx">
${viewNav(v.view)}
${pagination(`Pages of ${v.label.toLowerCase()} accounts`, pages.length, i + 1, (n) => viewFile(v.view, n), (n) => rangeLabel(pages[n - 1].map((r) => r.account)))}
${table}
</div>
${wavesSection}`;
      yield { path: `${dir}/${file}`, content: layout(name, 2, body, options) };
    }
  }
  for (let i = 1; i < wavePages.length; i++) {
    const body = `${header(`w${i + 1}`)}
${renderWaves(wavePages[i], rollouts, links, i + 1 < wavePages.length ? `waves-${i + 2}.html` : undefined, i + 1, wavePages.length)}`;
    yield { path: `${dir}/waves-${i + 1}.html`, content: layout(`${name}: waves`, 2, body, options) };
  }
}

function renderWaves(waves: readonly WaveInfo[], rollouts: PolicyRollouts | undefined, links: Links, next: string | undefined, page: number, pages: number): string {
  if (!rollouts || !waves.length) return '<h2 id="waves">Rollout waves</h2>\n<p>No rollouts recorded yet.</p>';
  const rows = waves.map((w) => {
    const took = Number.isFinite(w.endedAt) && Number.isFinite(w.startedAt) ? formatDuration(w.endedAt - w.startedAt) : '-';
    const kind = w.retry ? 'retry' : 'merge';
    return `<tr id="wave-${w.number}"><th scope="row">${w.number}</th><td>${kind}</td><td>${links.change(w)}</td><td>${timeCell(w.startedAt)}</td><td>${e(took)}</td><td>${e(w.events.join(', '))}</td><td>${chips(w.counts)}</td><td>${waveTimeline(rollouts.waveTimes(w.number)!, { id: `tl-${w.number}` })}</td></tr>`;
  });
  const nav = pages > 1 ? pagination('Pages of waves', pages, page, (n) => (n === 1 ? 'index.html#waves' : `waves-${n}.html`)) : '';
  return `<h2 id="waves">Rollout waves</h2>
<p>One wave per merge (or retry): the run that applied the change. Newest first.${next ? ` <a href="${next}">Older waves</a>.` : ''}</p>
${nav}
<table id="wave-table"><caption>Rollout waves${pages > 1 ? `, page ${page} of ${pages}` : ''}</caption>
<thead><tr><th scope="col">Wave</th><th scope="col">Kind</th><th scope="col">Change</th><th scope="col">Started</th><th scope="col">Took</th><th scope="col">Events</th><th scope="col">Result</th><th scope="col">How long the accounts took</th></tr></thead>
<tbody>
${rows.join('\n')}
</tbody></table>`;
}

function* renderAccount(
  account: string,
  latest: { policy: string; rollout: RolloutView }[],
  documents: SiteDocuments,
  facts: RepoFacts,
  slugs: Map<string, string>,
  waveCount: (policy: string) => number,
  links: Links,
  options: RenderOptions,
  pageSize: number,
  /** the first cell of each policy's row, and the wave cells, shared by every account's page */
  heads: Map<string, string>,
  waveCells: Map<WaveInfo, string>,
): Generator<SitePage> {
  const sorted = [...latest].sort((a, b) => a.policy.localeCompare(b.policy, 'en'));
  const counts = countStatuses(sorted.map((l) => l.rollout));
  const sets = [...(facts.setsOfAccount.get(account) ?? [])].sort();
  const withRollout = new Set(sorted.map((l) => l.policy));
  const expected = [...new Set(sets.flatMap((s) => documents.permissionSets.get(s)?.customerManagedPolicies ?? []))].filter((p) => !withRollout.has(p)).sort();
  const pages = chunk(sorted, pageSize);
  const file = (n: number) => (n === 1 ? `${account}.html` : `${account}-${n}.html`);
  for (let i = 0; i < pages.length; i++) {
    const rows = pages[i].map(({ policy, rollout }) => {
      let head = heads.get(policy);
      let wave = waveCells.get(rollout.wave);
      if (head === undefined || wave === undefined) {
        const page = `../policies/${slugs.get(policy)}/index.html`;
        if (head === undefined) heads.set(policy, (head = rowHead(policy, page)));
        if (wave === undefined) waveCells.set(rollout.wave, (wave = waveCell(rollout.wave, waveHref(page, rollout.wave, waveCount(policy), options.wavesPerPage ?? 20), links)));
      }
      return rolloutRow(rollout, head, wave);
    });
    const body = `<p class="crumbs"><a href="../index.html">All policies</a> &rsaquo; <a href="index.html">Accounts</a> &rsaquo; ${e(account)}</p>
<h1>Account <span class="mono">${e(account)}</span></h1>
<dl class="facts">
<dt>Permission sets</dt><dd>${sets.length ? sets.map((s) => e(s)).join(', ') : 'none assigned in the repository'}</dd>
<dt>Prism policies</dt><dd>${sorted.length} with rollouts</dd>
${expected.length ? `<dt>Not rolled out yet</dt><dd>${expected.map((p) => e(p)).join(', ')} (assigned in the repository, no rollout recorded)</dd>` : ''}
</dl>
${chips(counts)}
${statusBar(counts, { id: 'bar-account' })}
<div class="fx">
${pagination('Pages of policies', pages.length, i + 1, file)}
${sorted.length ? `${eventFilter(pages[i].map((l) => l.rollout))}
${searchBox('q', 'Filter by policy', '#rollouts tbody tr')}
<table id="rollouts"><caption>Every Prism policy in ${e(account)} and its last rollout${pages.length > 1 ? `, page ${i + 1} of ${pages.length}` : ''}</caption>
<thead><tr><th scope="col">Policy</th><th scope="col">Event</th><th scope="col">Status</th><th scope="col">Error</th><th scope="col">Started</th><th scope="col">Duration</th><th scope="col">Change (wave: commit · PR · run)</th></tr></thead>
<tbody>
${rows.join('\n')}
</tbody></table>` : '<p>No rollout recorded in this account.</p>'}
</div>`;
    yield { path: `accounts/${file(i + 1)}`, content: layout(`Account ${account}`, 1, body, options) };
  }
}
