/**
 * The dashboard in a real browser: Debian's chromium, driven by playwright-core (never Playwright's
 * own browser download). Outside CI the suite is skipped with one line when chromium is missing; in
 * CI (.ci/run sets PRISM_BROWSER=required) a missing browser is a failure.
 */
import { execFileSync } from 'node:child_process';
import * as fs from 'node:fs';
import * as os from 'node:os';
import * as path from 'node:path';
import { pathToFileURL } from 'node:url';
import type { BrowserContext, Page } from 'playwright-core';
import { dashboard } from '../../src/pipeline/dashboard';
import { CollectingReporter } from '../../src/pipeline/reporter';
import { exampleRepoCopy, REPO_ROOT } from './helpers';

/** Screenshots are kept here (git-ignored) as test artifacts. */
const ARTIFACTS = path.join(REPO_ROOT, '.prism', 'test-artifacts');
const FLAGS = ['--headless', '--no-sandbox', '--disable-gpu', '--disable-background-networking', '--disable-component-update', '--disable-sync', '--no-first-run', '--disable-quic'];

function whichChromium(): string | undefined {
  try {
    return execFileSync('which', ['chromium'], { encoding: 'utf8', stdio: ['ignore', 'pipe', 'ignore'] }).trim() || undefined;
  } catch {
    return undefined;
  }
}

const chromiumPath = whichChromium();
const required = process.env.PRISM_BROWSER === 'required';
if (!chromiumPath && !required) {
  process.stderr.write('SKIPPED test/dashboard/browser.test.ts: no `chromium` on PATH. Install it with `apt-get install -y chromium` (Debian), or run .ci/run, which does.\n');
}

const suite = chromiumPath || required ? describe : describe.skip;

/** WCAG 2 contrast of each text in <main> against its nearest opaque background; returns the worst. */
const CONTRAST_SCRIPT = `(() => {
  const rgb = (c) => (c.match(/[\\d.]+/g) || []).map(Number);
  const lum = ([r, g, b]) => {
    const f = (v) => ((v /= 255) <= 0.03928 ? v / 12.92 : ((v + 0.055) / 1.055) ** 2.4);
    return 0.2126 * f(r) + 0.7152 * f(g) + 0.0722 * f(b);
  };
  const background = (el) => {
    for (; el; el = el.parentElement) {
      const c = rgb(getComputedStyle(el).backgroundColor);
      if (c.length === 3 || (c.length === 4 && c[3] === 1)) return c.slice(0, 3);
    }
    return [255, 255, 255];
  };
  const results = [];
  for (const el of document.querySelectorAll('main *')) {
    const own = [...el.childNodes].some((n) => n.nodeType === Node.TEXT_NODE && n.textContent.trim());
    if (!own || el.closest('svg')) continue;
    const a = lum(rgb(getComputedStyle(el).color).slice(0, 3));
    const b = lum(background(el));
    results.push({ text: el.textContent.trim().slice(0, 40), ratio: (Math.max(a, b) + 0.05) / (Math.min(a, b) + 0.05) });
  }
  results.sort((x, y) => x.ratio - y.ratio);
  return { checked: results.length, ...results[0] };
})()`;

suite('the dashboard in chromium', () => {
  let context: BrowserContext;
  let userDataDir: string;
  let repo: string;
  let site: string;
  const external: string[] = [];

  beforeAll(async () => {
    if (!chromiumPath) throw new Error('PRISM_BROWSER=required but `which chromium` finds nothing: install it with `apt-get install -y chromium`');
    repo = exampleRepoCopy();
    site = path.join(repo, 'site');
    await dashboard({ dir: repo, out: site, now: new Date('2026-11-04T12:00:00Z'), reporter: new CollectingReporter() });
    userDataDir = fs.mkdtempSync(path.join(os.tmpdir(), 'prism-chromium-'));
    const { chromium } = await import('playwright-core');
    context = await chromium.launchPersistentContext(userDataDir, { executablePath: chromiumPath, headless: true, args: FLAGS, viewport: { width: 1280, height: 900 } });
    // the site works offline: it asks for nothing but its own files
    context.on('request', (r) => {
      if (!r.url().startsWith('file:')) external.push(r.url());
    });
  });

  afterAll(async () => {
    await context?.close();
    for (const d of [userDataDir, repo]) if (d) fs.rmSync(d, { recursive: true, force: true });
  });

  const open = async (rel: string): Promise<Page> => {
    const page = await context.newPage();
    await page.goto(pathToFileURL(path.join(site, rel)).href);
    return page;
  };

  test('index -> failed policy -> FAILED filter: the rows, the retry hint, the hostile error as text', async () => {
    // 1. the index of the example ledger, which has a failed rollout
    const page = await open('index.html');
    expect(await page.locator('#policies tbody tr').count()).toBe(7);
    const failedRow = page.locator('#policies tbody tr', { has: page.getByRole('link', { name: 'DenyOutsideEU', exact: true }) });
    expect(await failedRow.locator('.chips').getAttribute('aria-label')).toBe('4 success · 0 pending · 1 failed');

    // 2. into the failed policy
    await page.getByRole('link', { name: 'DenyOutsideEU', exact: true }).click();
    await page.waitForURL(/policies\/DenyOutsideEU\/index\.html$/);
    expect(await page.locator('h1').textContent()).toBe('DenyOutsideEU');
    expect(await page.locator('#rollouts tbody tr').count()).toBe(5);

    // 3. filter by FAILED, with the keyboard
    await page.getByRole('link', { name: 'Failed (1)' }).focus();
    await page.keyboard.press('Enter');
    await page.waitForURL(/failed\.html$/);
    expect(await page.getByRole('link', { name: 'Failed (1)' }).getAttribute('aria-current')).toBe('page');

    // 4. the rows and the retry hint
    const rows = page.locator('#rollouts tbody tr');
    expect(await rows.count()).toBe(1);
    const cells = await rows.first().locator('th, td').allTextContents();
    expect(cells.slice(0, 3)).toEqual(['234567890123', 'EDIT', 'FAILED']);
    expect(await page.locator('.retry pre').textContent()).toBe('prism retry DenyOutsideEU');
    expect(await page.locator('.retry').getByRole('link', { name: 'prism retry workflow' }).getAttribute('href')).toBe('https://github.com/acme/prism-iam/actions/workflows/prism-retry.yml');

    // 5. the hostile error is shown as text: no element, no script ran
    const error = await rows.first().locator('td.err').textContent();
    expect(error).toContain(`with an explicit deny in a service control policy "<script>alert('dashboard')</script>" & <img src=x onerror=alert(1)>`);
    expect(await page.locator('td.err script, td.err img').count()).toBe(0);
    let dialogs = 0;
    page.on('dialog', () => void dialogs++);
    await page.reload();
    expect(dialogs).toBe(0);

    // 6. a screenshot, kept as a test artifact
    fs.mkdirSync(ARTIFACTS, { recursive: true });
    const shot = path.join(ARTIFACTS, 'dashboard-failed-view.png');
    await page.screenshot({ path: shot, fullPage: true });
    expect(fs.statSync(shot).size).toBeGreaterThan(10_000);
    const policyPage = await open('policies/DenyOutsideEU/index.html');
    await policyPage.screenshot({ path: path.join(ARTIFACTS, 'dashboard-policy.png'), fullPage: true });
    await policyPage.close();
    await page.close();
  });

  test('filters without JavaScript: the status filters of the index and of a policy page are CSS, the search box stays hidden', async () => {
    const page = await context.newPage();
    const cdp = await context.newCDPSession(page);
    await cdp.send('Emulation.setScriptExecutionDisabled', { value: true });
    await page.goto(pathToFileURL(path.join(site, 'index.html')).href);
    const visible = async () => (await page.locator('#policies tbody tr:visible th a').allTextContents()).sort();
    expect(await visible()).toHaveLength(7);
    expect(await page.locator('.search').isVisible()).toBe(false);

    // with the keyboard: focus the first radio, arrow to "With failed accounts"
    await page.locator('#show-all').focus();
    await page.keyboard.press('ArrowRight');
    expect(await page.locator('#show-failed').isChecked()).toBe(true);
    expect(await visible()).toEqual(['DenyOutsideEU']);
    await page.keyboard.press('ArrowRight');
    expect(await visible()).toEqual(['ReadOnlyBilling']);
    await page.locator('#show-none').check();
    expect(await visible()).toEqual(['LegacyReportingExport']);

    // a policy page: the status filter within the page shows the successful accounts only
    await page.goto(pathToFileURL(path.join(site, 'policies/DenyOutsideEU/index.html')).href);
    const rows = () => page.locator('#rollouts tbody tr:visible td .badge').allTextContents();
    expect(await rows()).toHaveLength(5);
    await page.locator('#st-success').check();
    expect(await rows()).toEqual(['SUCCESS', 'SUCCESS', 'SUCCESS', 'SUCCESS']);
    await page.keyboard.press('ArrowRight');
    expect(await page.locator('#st-failed').isChecked()).toBe(true);
    expect(await rows()).toEqual(['FAILED']);
    await page.close();
  });

  test('the search box (progressive enhancement) finds policies by name and accounts by ID', async () => {
    const page = await open('index.html');
    await page.getByLabel('Search by name').fill('data');
    expect(await page.locator('#policies tbody tr:visible th a').allTextContents()).toEqual(['DataLakeRead']);
    expect(await page.getByRole('status').textContent()).toBe('1 row(s) match');

    await page.goto(pathToFileURL(path.join(site, 'policies/DenyOutsideEU/index.html')).href);
    await page.getByLabel('Filter by account').fill('345678901234');
    expect(await page.locator('#rollouts tbody tr:visible th').allTextContents()).toEqual(['345678901234']);
    await page.close();
  });

  test('keyboard: the first Tab reaches the skip link, and every text has at least 4.5:1 contrast', async () => {
    const page = await open('policies/DenyOutsideEU/index.html');
    await page.keyboard.press('Tab');
    // (page scripts are strings: this project's type-check has no DOM library)
    const focused = await page.evaluate<{ text: string; outline: string }>('({ text: document.activeElement.textContent, outline: getComputedStyle(document.activeElement).outlineStyle })');
    expect(focused).toEqual({ text: 'Skip to content', outline: expect.not.stringMatching(/^none$/) });
    const worst = await page.evaluate<{ checked: number; text: string; ratio: number }>(CONTRAST_SCRIPT);
    expect(worst.checked).toBeGreaterThan(50);
    expect(worst.ratio).toBeGreaterThanOrEqual(4.5);
    await page.close();
  });

  test('the site asked for nothing outside its own files', () => {
    expect(external).toEqual([]);
  });
});
