import * as path from 'node:path';
import { latestPerAccount, summaryChips } from '../../src/apply/rollout-table';
import { buildDashboard } from '../../src/dashboard/build-dashboard';
import { assignSlugs } from '../../src/dashboard/render';
import { RolloutRow } from '../../src/model/rollout';
import { exampleInputs, tableRows } from './helpers';

const NOW = new Date('2026-11-04T12:00:00Z');

function site(rows: Iterable<RolloutRow>, documents: ReturnType<typeof exampleInputs>['documents'], pageSize?: number) {
  const pages = new Map<string, string>();
  for (const p of buildDashboard(rows, documents, { generatedAt: NOW, pageSize }).pages) {
    expect(pages.has(p.path)).toBe(false);
    pages.set(p.path, p.content);
  }
  return pages;
}

describe('the dashboard of the example ledger', () => {
  const { rows, documents } = exampleInputs();
  const pages = site(rows, documents);
  const html = [...pages].filter(([p]) => p.endsWith('.html'));

  test('has an index, a page per policy (repository and ledger) and a page per account', () => {
    const policies = [...new Set([...documents.policies.keys(), ...rows.map((r) => r.policy)])];
    expect(policies.length).toBe(7);
    for (const p of policies) expect(pages.has(`policies/${p}/index.html`)).toBe(true);
    for (const a of new Set(rows.map((r) => r.account))) expect(pages.has(`accounts/${a}.html`)).toBe(true);
    expect(pages.has('index.html')).toBe(true);
    expect(pages.has('accounts/index.html')).toBe(true);
  });

  test('the chips are those of prism rollouts (summaryChips of latestPerAccount)', () => {
    const index = pages.get('index.html')!;
    for (const policy of new Set(rows.map((r) => r.policy))) {
      const chips = summaryChips(latestPerAccount(rows, policy));
      const row = tableRows(index, 'policies').find((r) => r.includes(`>${policy}</a>`))!;
      expect(row).toContain(`aria-label="${chips}"`);
      expect(pages.get(`policies/${policy}/index.html`)).toContain(`aria-label="${chips}"`);
    }
    expect(summaryChips(latestPerAccount(rows, 'DenyOutsideEU'))).toBe('4 success · 0 pending · 1 failed');
  });

  test('the index shows each policy\'s last change and permission sets, and filters by status', () => {
    const row = tableRows(pages.get('index.html')!, 'policies').find((r) => r.includes('>DataLakeRead</a>'))!;
    expect(row).toContain('Read the curated zone of the data lake');
    expect(row).toContain('#11');
    expect(row).toContain('2026-09-15 14:20:00 UTC');
    expect(row).toContain('DataAnalyst, Developer');
    expect(row).toMatch(/^<tr class="ok"/);
    expect(tableRows(pages.get('index.html')!, 'policies').find((r) => r.includes('>DenyOutsideEU</a>'))).toMatch(/^<tr class="failed"/);
    for (const f of ['all', 'failed', 'pending', 'ok', 'none']) expect(pages.get('index.html')).toContain(`id="show-${f}"`);
    expect(pages.get('assets/style.css')).toContain('.fx:has(#show-failed:checked) tbody tr:not(.failed)');
  });

  test('a policy page: one row per account with event, status, error, start, duration and links', () => {
    const page = pages.get('policies/DenyOutsideEU/index.html')!;
    const trs = tableRows(page);
    expect(trs).toHaveLength(5);
    const failed = trs.find((r) => r.includes('234567890123'))!;
    expect(failed).toContain('<td>EDIT</td>');
    expect(failed).toContain('<span class="badge FAILED">FAILED</span>');
    expect(failed).toContain('explicit deny in a service control policy');
    expect(failed).toContain('<td>2026-10-02 11:30:00 UTC</td>');
    expect(failed).toMatch(/<td>\d+ s<\/td>/);
    expect(failed).toContain('href="https://github.com/acme/prism-iam/commit/');
    expect(failed).toContain('href="https://github.com/acme/prism-iam/actions/runs/');
    expect(trs.find((r) => r.includes('012345678901'))).toContain('href="https://github.com/acme/prism-iam/pull/17"');
  });

  test('the retry hint gives the exact command and the workflow, only where accounts failed', () => {
    const deny = pages.get('policies/DenyOutsideEU/index.html')!;
    expect(deny).toContain('<pre><code>prism retry DenyOutsideEU</code></pre>');
    expect(deny).toContain('href="https://github.com/acme/prism-iam/actions/workflows/prism-retry.yml"');
    expect(pages.get('policies/DataLakeRead/index.html')).not.toContain('prism retry');
  });

  test('the status views hold exactly the accounts of that status', () => {
    expect(tableRows(pages.get('policies/DenyOutsideEU/failed.html')!).map((r) => /(\d{12})<\/a><\/th>/.exec(r)![1])).toEqual(['234567890123']);
    // successful accounts: a filter within each page of the "All" view, not pages that repeat it
    expect(pages.has('policies/DenyOutsideEU/success.html')).toBe(false);
    const all = pages.get('policies/DenyOutsideEU/index.html')!;
    expect(all).toContain('<legend>Status on this page</legend>');
    expect(all).toContain('<input type="radio" name="status" id="st-success"> SUCCESS (4)</label>');
    expect(all).toContain('<input type="radio" name="status" id="st-failed"> FAILED (1)</label>');
    expect(tableRows(all).filter((r) => r.startsWith('<tr class="success '))).toHaveLength(4);
    expect(pages.get('policies/DenyOutsideEU/failed.html')).not.toContain('Status on this page');
    expect(pages.get('policies/DenyOutsideEU/pending.html')).toContain('No account is PENDING');
    expect(tableRows(pages.get('policies/ReadOnlyBilling/pending.html')!).map((r) => /(\d{12})<\/a><\/th>/.exec(r)![1])).toEqual(['678901234567']);
  });

  test('the waves: one per run, newest first, retries marked, each with its timeline', () => {
    const waves = tableRows(pages.get('policies/DenyOutsideEU/index.html')!, 'wave-table');
    expect(waves.map((w) => /<th scope="row">(\d+)<\/th><td>(\w+)<\/td>/.exec(w)!.slice(1))).toEqual([
      ['3', 'retry'],
      ['2', 'merge'],
      ['1', 'merge'],
    ]);
    for (const w of waves) expect(w).toMatch(/<svg class="timeline" role="img" aria-labelledby="tl-\d+"/);
    // wave 2 had 5 accounts: one bar each
    expect((waves[1].match(/<rect /g) ?? []).length).toBe(5);
    expect(waves[1]).toContain('2 failed');
  });

  test('an account page lists every Prism policy there and its last rollout', () => {
    const page = pages.get('accounts/678901234567.html')!;
    expect(tableRows(page).map((r) => />([A-Za-z]+)<\/a><\/th>/.exec(r)![1])).toEqual(['BillingConsoleLegacy', 'ReadOnlyBilling']);
    expect(page).toContain('FinanceReader');
    expect(tableRows(page).find((r) => r.includes('BillingConsoleLegacy'))).toContain('<td>DELETE</td>');
  });

  test('a policy only the ledger knows is shown as deleted; one only the repository knows as never rolled out', () => {
    expect(pages.get('policies/BillingConsoleLegacy/index.html')).toContain('not in the repository: deleted or renamed');
    expect(pages.get('policies/LegacyReportingExport/index.html')).toContain('No account has a rollout of this policy yet');
  });

  test('the hostile error in the ledger is escaped, never markup', () => {
    const page = pages.get('policies/DenyOutsideEU/failed.html')!;
    expect(page).toContain('&quot;&lt;script&gt;alert(&#39;dashboard&#39;)&lt;/script&gt;&quot; &amp; &lt;img src=x onerror=alert(1)&gt;');
    for (const [p, text] of html) {
      expect([p, text.match(/<script\b[^>]*>/g)]).toEqual([p, [`<script src="${'../'.repeat(p.split('/').length - 1)}assets/filter.js" defer>`]]);
      expect([p, /<img\b|onerror=alert|<iframe/i.test(text.replace(/&lt;img src=x onerror=alert\(1\)&gt;/g, ''))]).toEqual([p, false]);
    }
  });

  test('works offline: no CDN, no web fonts, nothing loaded from elsewhere', () => {
    for (const [p, text] of html) {
      for (const m of text.matchAll(/<(?:link|script|img)\b[^>]*(?:href|src)="([^"]+)"/g)) expect([p, m[1]]).toEqual([p, expect.not.stringMatching(/^(https?:)?\/\//)]);
    }
    expect(pages.get('assets/style.css')).not.toMatch(/@import|url\(|@font-face/);
  });

  test('every link inside the site leads to a page that exists, and every #anchor to an id', () => {
    for (const [p, text] of html) {
      for (const m of text.matchAll(/href="([^"]+)"/g)) {
        const href = m[1].replace(/&amp;/g, '&');
        if (/^https?:/.test(href)) continue;
        const [file, anchor] = href.split('#');
        const target = file ? path.posix.normalize(path.posix.join(path.posix.dirname(p), file)) : p;
        expect([p, href, pages.has(target)]).toEqual([p, href, true]);
        if (anchor) expect([p, href, pages.get(target)!.includes(`id="${anchor}"`)]).toEqual([p, href, true]);
      }
    }
  });

  test('pages are accessible: language, title, main landmark, skip link, captions and header scopes', () => {
    for (const [p, text] of html) {
      expect([p, /<html lang="en">/.test(text), /<title>[^<]+<\/title>/.test(text), text.includes('<main id="main">'), text.includes('href="#main"')]).toEqual([p, true, true, true, true]);
      const tables = text.match(/<table\b/g)?.length ?? 0;
      expect([p, text.match(/<caption>/g)?.length ?? 0]).toEqual([p, tables]);
      expect([p, /<th(?=[\s>])(?![^>]*scope=)[^>]*>/.test(text)]).toEqual([p, false]);
      for (const id of text.matchAll(/ id="([^"]+)"/g)) expect([p, id[1], text.split(` id="${id[1]}"`).length - 1]).toEqual([p, id[1], 1]);
    }
  });
});

describe('large ledgers', () => {
  const { documents } = exampleInputs();
  // one policy in 600 accounts over 3 waves; every 7th account failed in the last wave
  const rows: RolloutRow[] = [];
  for (let w = 0; w < 3; w++) {
    for (let a = 0; a < 600; a++) {
      const account = String(100000000000 + a * 13);
      const base: RolloutRow = { id: `${w}-${a}`, runId: `run-${w}`, policy: 'Wide', account, event: w ? 'EDIT' : 'CREATE', status: 'PENDING', startedAt: new Date(Date.UTC(2026, 0, 1 + w)).toISOString(), commit: `c${w}` };
      rows.push(base);
      const failed = w === 2 && a % 7 === 0;
      rows.push({ ...base, status: failed ? 'FAILED' : 'SUCCESS', endedAt: new Date(Date.UTC(2026, 0, 1 + w) + (a + 1) * 900).toISOString(), ...(failed ? { error: 'AccessDenied' } : {}) });
    }
  }
  const pages = site(rows, documents, 250);

  test('splits the accounts table into pages of at most pageSize rows, every account exactly once', () => {
    const all = ['index.html', 'all-2.html', 'all-3.html'].map((f) => tableRows(pages.get(`policies/Wide/${f}`)!));
    expect(all.map((t) => t.length)).toEqual([250, 250, 100]);
    expect(pages.has('policies/Wide/all-4.html')).toBe(false);
    const accounts = all.flat().map((r) => /(\d{12})<\/a><\/th>/.exec(r)![1]);
    expect(new Set(accounts).size).toBe(600);
    expect(accounts).toEqual([...accounts].sort());
  });

  test('the failed view is complete across its pages and holds nothing else', () => {
    const failed = tableRows(pages.get('policies/Wide/failed.html')!);
    expect(failed).toHaveLength(Math.ceil(600 / 7));
    expect(failed.every((r) => r.includes('badge FAILED'))).toBe(true);
    expect(pages.get('policies/Wide/index.html')).toContain('Failed (86)');
  });

  test('each page stays small, and a 600-account wave is drawn as a bounded curve', () => {
    for (const [p, text] of pages) expect([p, text.length < 400_000]).toEqual([p, true]);
    const svgs = pages.get('policies/Wide/index.html')!.match(/<svg class="timeline"[\s\S]*?<\/svg>/g)!;
    expect(svgs).toHaveLength(3);
    for (const s of svgs) {
      expect(s.length).toBeLessThan(8000);
      expect(s).toContain('<polyline');
    }
  });
});

describe('assignSlugs', () => {
  test('keeps ordinary names, encodes the rest reversibly, and separates names that differ by case', () => {
    const slugs = assignSlugs(['DataLakeRead', 'a.b+c=d,e@f_g', '../../etc', 'Foo', 'foo']);
    expect(slugs.get('DataLakeRead')).toBe('DataLakeRead');
    expect(slugs.get('a.b+c=d,e@f_g')).toBe('a_2eb_2bc_3dd_2ce_40f_5fg');
    expect(slugs.get('../../etc')).toBe('_2e_2e_2f_2e_2e_2fetc');
    expect(slugs.get('Foo')).toBe('Foo');
    expect(slugs.get('foo')).toBe('foo~2');
  });
});
