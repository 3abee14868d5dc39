import { resolveSettings } from '../../src/core/settings';
import { RepoDocuments } from '../../src/model/types';
import { AccountChange, LibraryChanges } from '../../src/change/change-set';
import { buildPreview, confirmedDeletes, PreviewInput } from '../../src/preview/preview';
import { mdText } from '../../src/core/markdown';
import { GITHUB_COMMENT_LIMIT, PREVIEW_MARKER, previewToJson, readReviewMarker, renderPreview, summaryLine } from '../../src/preview/render';
import { resultLabels } from '../../src/preview/preview';
import { summarizePlan } from '../../src/adapters/terraform/plan-json';
import { unifiedDiff } from '../../src/preview/line-diff';
import MarkdownIt from 'markdown-it';
import { tfFixture } from '../helpers/fixtures';

const doc = (action: string) => ({ Version: '2012-10-17', Statement: [{ Effect: 'Allow', Action: action, Resource: '*' }] });
function docs(policies: Record<string, { action: string; description?: string }>): RepoDocuments {
  return {
    settings: resolveSettings(undefined),
    policies: new Map(Object.entries(policies).map(([name, p]) => [name, { name, file: `policies/${name}.json`, document: doc(p.action), description: p.description }])),
    permissionSets: new Map(),
    assignments: [],
  };
}
const noLibrary: LibraryChanges = { addedPolicies: new Set(), removedPolicies: new Set(), editedPolicies: new Set(), changedPermissionSets: new Set(), settingsChanged: false };
function input(over: Partial<PreviewInput>): PreviewInput {
  return {
    baseCommit: 'a'.repeat(40),
    headLabel: 'working tree',
    base: docs({}),
    head: docs({}),
    headDiagnostics: [],
    library: noLibrary,
    changes: [],
    confirmedDeletes: new Set(),
    work: { accountsBuilt: 1, totalAccounts: 10 },
    ...over,
  };
}
const ch = (kind: AccountChange['kind'], policy: string, account: string, ...permissionSets: string[]): AccountChange => ({ kind, policy, account, permissionSets });

describe('preview: rendering', () => {
  test('edit uses the product wording, with the diff and the accounts table', () => {
    const p = buildPreview(
      input({
        base: docs({ S3Read: { action: 's3:GetObject' } }),
        head: docs({ S3Read: { action: 's3:GetObject*', description: 'Read objects' } }),
        changes: [ch('edit', 'S3Read', '111111111111', 'Dev'), ch('edit', 'S3Read', '222222222222', 'Dev', 'Ops')],
      }),
    );
    const { markdown } = renderPreview(p);
    expect(markdown.startsWith(PREVIEW_MARKER)).toBe(true);
    expect(markdown).toContain('This will update the policy in 2 account(s). Affected permission sets: `Dev`, `Ops`.');
    expect(markdown).toContain('-      "Action": "s3:GetObject",\n+      "Action": "s3:GetObject*",');
    expect(markdown).toContain('| 222222222222 | edit | `Dev`, `Ops` |');
    expect(markdown.indexOf(summaryLine(p))).toBeLessThan(markdown.indexOf('### '));
  });

  test('delete counts roles and accounts, warns about non-Prism attachments, and needs confirmation', () => {
    const base = input({
      base: docs({ Old: { action: 's3:GetObject' } }),
      changes: [ch('delete', 'Old', '111111111111', 'Dev', 'Ops'), ch('delete', 'Old', '222222222222', 'Dev')],
      discovery: { version: 1, generatedAt: 'x', accounts: { '222222222222': { status: 'ok', policies: { Old: { state: 'managed', nonPrismAttachments: [{ type: 'user', name: 'alice' }] } } } } },
    });
    const unconfirmed = buildPreview(base);
    const md = renderPreview(unconfirmed).markdown;
    expect(md).toContain('This will detach the policy from 3 role(s) in 2 account(s) and delete the IAM policy from each. This cannot be undone.');
    expect(md).toContain('still attached to non-Prism entities in account 222222222222 (user alice); the delete will be refused there until they are detached.');
    expect(md).toContain('Deletion not confirmed');
    expect(md).toContain('`prism:delete:Old`');
    expect(unconfirmed.unconfirmedDeletes).toEqual(['Old']);
    const confirmed = buildPreview({ ...base, confirmedDeletes: confirmedDeletes(['prism:delete:Old'], '') });
    expect(confirmed.unconfirmedDeletes).toEqual([]);
    expect(renderPreview(confirmed).markdown).toContain('Deletion of `Old` confirmed');
  });

  test('delete confirmations name exactly one policy, by label or by a description line', () => {
    expect([...confirmedDeletes(['prism:delete:A', 'bug'], 'text\nPrism-Confirm-Delete: B\nPrism-Confirm-Delete: C D\n')].sort()).toEqual(['A', 'B']);
  });

  test('a library-only policy says nothing will propagate, and why', () => {
    const p = buildPreview(
      input({ base: docs({ Lib: { action: 's3:GetObject' } }), head: docs({ Lib: { action: 's3:PutObject' } }), library: { ...noLibrary, editedPolicies: new Set(['Lib']) } }),
    );
    const md = renderPreview(p).markdown;
    expect(md).toContain('### `Lib`: library only');
    expect(md).toContain('Nothing will propagate: no permission set assigned to an account uses this policy');
    expect(previewToJson(p).policies).toEqual([expect.objectContaining({ name: 'Lib', change: 'library-only', accounts: [] })]);
  });

  test('validation warnings come before the sections, with file, line and hint', () => {
    const p = buildPreview(
      input({
        headDiagnostics: [{ code: 'risk/pass-role', severity: 'warning', message: 'iam:PassRole on "*"', hint: 'Name the roles.', location: { file: 'policies/X.json', line: 4, column: 31 } }],
        changes: [ch('edit', 'S3Read', '111111111111', 'Dev')],
        base: docs({ S3Read: { action: 'a:b' } }),
        head: docs({ S3Read: { action: 'a:c' } }),
      }),
    );
    const md = renderPreview(p).markdown;
    expect(md).toContain('- ⚠️ `policies/X.json:4:31` `risk/pass-role`: iam:PassRole on "\\*"\n  - hint: Name the roles.');
    expect(md.indexOf('### Validation')).toBeLessThan(md.indexOf('### `S3Read`'));
  });

  test('names and descriptions cannot inject markdown or HTML', () => {
    const evil = '<img src=x onerror=alert(1)> [click](http://evil) @org/team **bold** | pipe\n# heading';
    const p = buildPreview(input({ base: docs({ A: { action: 'a:b' } }), head: docs({ A: { action: 'a:c', description: evil } }), changes: [ch('edit', 'A', '111111111111', 'Dev')] }));
    const md = renderPreview(p).markdown;
    expect(md).not.toContain('<img');
    expect(md).not.toContain('[click](http');
    expect(md).not.toContain('@org');
    expect(md).not.toContain('\n# heading');
    expect(mdText('a|b')).toBe('a\\|b');
  });

  test('a hostile file name cannot split the validation list or hide the rest of the comment', () => {
    const file = 'policies/a|b\r<!--.json';
    const p = buildPreview(input({ base: docs({}), head: docs({}), changes: [], headDiagnostics: [{ code: 'file/unexpected', severity: 'error', message: 'x | y\r<!-- z', location: { file, line: 1, column: 1 } }] }));
    const html = new MarkdownIt({ html: true, linkify: true }).render(renderPreview(p).markdown);
    // the only comment is Prism's own marker, at the top
    expect(html.split('<!--')).toHaveLength(2);
    expect(html.startsWith(PREVIEW_MARKER)).toBe(true);
    // one list item, holding the whole location and the message as text
    const items = [...html.matchAll(/<li>([\s\S]*?)<\/li>/g)].map((m) => m[1]);
    expect(items).toHaveLength(1);
    expect(items[0]).toContain('policies/a|b &lt;!--.json:1:1');
    expect(items[0]).toContain('x | y &lt;!-- z');
  });

  test('a 1,000-account, 200-policy change fits GitHub\'s limit and keeps the summary', () => {
    const accounts = Array.from({ length: 1000 }, (_, i) => String(100000000000 + i));
    const names = Array.from({ length: 200 }, (_, i) => `Policy${i}`);
    const big = (a: string) => ({ Version: '2012-10-17', Statement: Array.from({ length: 20 }, (_, i) => ({ Sid: `S${i}`, Effect: 'Allow', Action: [`${a}:Get${i}`, `${a}:List${i}`], Resource: '*' })) });
    const mk = (a: string): RepoDocuments => ({ ...docs({}), policies: new Map(names.map((n) => [n, { name: n, file: `policies/${n}.json`, document: big(a) }])) });
    const changes = names.flatMap((n) => accounts.map((a) => ch('edit', n, a, 'Dev', 'Ops')));
    const p = buildPreview(input({ base: mk('s3'), head: mk('sqs'), changes, work: { accountsBuilt: 1000, totalAccounts: 1000 } }));
    const full = renderPreview(p);
    expect(full.markdown.length).toBeGreaterThan(GITHUB_COMMENT_LIMIT);
    const fitted = renderPreview(p, GITHUB_COMMENT_LIMIT - 100);
    expect(fitted.trimmed).toBe(true);
    expect(fitted.markdown.length).toBeLessThanOrEqual(GITHUB_COMMENT_LIMIT - 100);
    expect(fitted.markdown).toContain('This change affects 200 policies in 1000 account(s): 200 edit.');
    expect(fitted.markdown).toContain('Details were trimmed to fit');
    expect(fitted.markdown.startsWith(PREVIEW_MARKER)).toBe(true);
  });

  test('--format json lists each policy with its change, accounts and permission sets', () => {
    const p = buildPreview(
      input({
        base: docs({ S3Read: { action: 'a:b' } }),
        head: docs({ S3Read: { action: 'a:c' } }),
        changes: [ch('edit', 'S3Read', '111111111111', 'Dev'), ch('attach', 'S3Read', '111111111111', 'Ops')],
      }),
    );
    const json = previewToJson(p) as { policies: unknown[] };
    expect(json.policies).toEqual([
      expect.objectContaining({ name: 'S3Read', change: 'edit', accounts: ['111111111111'], permissionSets: ['Dev'] }),
      expect.objectContaining({ name: 'S3Read', change: 'attach', accounts: ['111111111111'], permissionSets: ['Ops'] }),
    ]);
  });

  test('the header names the head and base commits (linked), the update time, the workflow run and the fingerprint', () => {
    const p = buildPreview(
      input({
        baseCommit: 'b'.repeat(40),
        fingerprint: 'f'.repeat(64),
        header: { headCommit: 'c'.repeat(40), updatedAt: '2026-11-24T04:30:00.000Z', runUrl: 'https://github.com/acme/iam/actions/runs/42', repoUrl: 'https://github.com/acme/iam' },
        base: docs({ A: { action: 'a:b' } }),
        head: docs({ A: { action: 'a:c' } }),
        changes: [ch('edit', 'A', '111111111111', 'Dev')],
      }),
    );
    const md = renderPreview(p).markdown;
    expect(md.split('\n')[4]).toBe(
      'Head [`ccccccc`](https://github.com/acme/iam/commit/cccccccccccccccccccccccccccccccccccccccc) · base [`bbbbbbb`](https://github.com/acme/iam/commit/bbbbbbbbbbbbbbbbbbbbbbbbbbbbbbbbbbbbbbbb) · updated 2026-11-24 04:30:00 UTC · [workflow run](https://github.com/acme/iam/actions/runs/42) · fingerprint `ffffffffffff`',
    );
    // the hidden line apply reads back
    expect(readReviewMarker(md)).toEqual({ base: 'b'.repeat(40), fingerprint: 'f'.repeat(64) });
    const html = new MarkdownIt({ html: true }).render(md);
    expect(html).toContain('<a href="https://github.com/acme/iam/actions/runs/42">workflow run</a>');
    // locally, with uncommitted changes, it says so instead of pretending to a commit
    const local = renderPreview(buildPreview(input({}))).markdown;
    expect(local).toContain('Head: working tree (uncommitted changes) · base `aaaaaaa`');
  });

  test('a head with validation errors leads with them and shows nothing computed from the broken files', () => {
    // the broken policy file drops out of the head, so the diff looks like a breaking edit and a detach
    const p = buildPreview(
      input({
        headDiagnostics: [
          { code: 'iam/effect', severity: 'error', message: 'Effect is "allow"; expected "Allow" or "Deny"', hint: 'Effect values are case-sensitive.', location: { file: 'policies/A.json', line: 4, column: 17 } },
          { code: 'assignment/duplicate-account', severity: 'warning', message: 'listed twice', location: { file: 'assignments/a.yaml', line: 3, column: 5 } },
        ],
        base: docs({ A: { action: 's3:GetObject' } }),
        head: docs({}),
        library: { ...noLibrary, removedPolicies: new Set(['A']) },
        changes: [ch('delete', 'A', '111111111111', 'Dev')],
      }),
    );
    const md = renderPreview(p).markdown;
    const lines = md.split('\n');
    expect(lines.slice(0, 6)).toEqual([PREVIEW_MARKER, '## Prism propagation preview', '', 'Head: working tree (uncommitted changes) · base `aaaaaaa`', '', expect.any(String)]);
    expect(lines[5]).toBe('❌ **1 error(s): cannot merge.** Fix them and push again; each one is below with its file, line and hint, and as an annotation on the diff.');
    expect(md).toContain('- ❌ `policies/A.json:4:17` `iam/effect`: Effect is "allow"; expected "Allow" or "Deny"\n  - hint: Effect values are case-sensitive.');
    expect(md.indexOf('❌ `policies/A.json')).toBeLessThan(md.indexOf('⚠️ `assignments/a.yaml'));
    for (const computed of ['This will', 'Breaking edit', 'Deletion not confirmed', 'This change affects', '### `A`']) expect(md).not.toContain(computed);
    expect(md).toContain('shown once the head validates');
    const json = previewToJson(p) as { valid: boolean; policies: unknown[]; summary: Record<string, unknown>; validation: { hint?: string }[] };
    expect(json.valid).toBe(false);
    expect(json.policies).toEqual([]);
    expect(json.summary).toMatchObject({ errors: 1, warnings: 1, policies: 0 });
    expect(json.validation[0].hint).toBe('Effect values are case-sensitive.');
    expect(resultLabels(p)).toEqual(['prism:invalid']);
  });

  test("Terraform's own counts per policy and account, from a real plan", () => {
    // tf-show-json-basic-update.json is a real `terraform show -json` of an update; its address is renamed to a Prism one
    const real = JSON.parse(tfFixture('plan-json/tf-show-json-basic-update.json'));
    const rc = real.resource_changes[0];
    const asPrism = (address: string, actions: string[], importing?: object) => ({ ...rc, address, type: address.split('.')[0], name: address.split('.')[1], change: { ...rc.change, actions, ...(importing ? { importing } : {}) } });
    const planA = summarizePlan('111111111111', { resource_changes: [asPrism('aws_iam_policy.cmp_S3Read', ['update']), asPrism('aws_iam_role_policy_attachment.role_Dev__cmp_S3Read', ['create']), asPrism('aws_iam_role.role_Dev', ['update'])] });
    const planB = summarizePlan('222222222222', { resource_changes: [asPrism('aws_iam_policy.cmp_S3Read', ['update'], { id: 'arn:aws:iam::222222222222:policy/Prism-S3Read' })] });
    const p = buildPreview(
      input({
        base: docs({ S3Read: { action: 's3:GetObject' } }),
        head: docs({ S3Read: { action: 's3:GetObject*' } }),
        changes: [ch('edit', 'S3Read', '111111111111', 'Dev'), ch('edit', 'S3Read', '222222222222', 'Dev'), ch('edit', 'S3Read', '333333333333', 'Dev')],
        plan: [planA, planB, { account: '333333333333', status: 'failed', changes: [], drift: [], diagnostics: [{ severity: 'error', summary: 'AccessDenied' }] }],
      }),
    );
    const md = renderPreview(p).markdown;
    expect(md).toContain('Terraform plan: 1 to add, 3 to change, 0 to destroy, 1 to import in 2 account(s); 1 failed.');
    expect(md).toContain('Terraform plan: 1 to add, 2 to change, 0 to destroy, 1 to import in 2 account(s).');
    expect(md).toContain('| 111111111111 | edit | `Dev` | 1 to add, 1 to change, 0 to destroy |');
    expect(md).toContain('| 222222222222 | edit | `Dev` | 0 to add, 1 to change, 0 to destroy, 1 to import |');
    expect(md).toContain('| 333333333333 | edit | `Dev` | ❌ plan failed |');
    const json = previewToJson(p) as { policies: { terraform: unknown }[]; summary: { terraform: unknown } };
    expect(json.policies[0].terraform).toEqual({ add: 1, change: 2, destroy: 0, import: 1 });
    expect(json.summary.terraform).toEqual({ accounts: 3, failed: 1, unplanned: 0, add: 1, change: 3, destroy: 0, import: 1 });
    expect(resultLabels(p)).toEqual(['prism:plan-failed']);
  });

  test('an affected account that no plan covers fails the preview', () => {
    const p = buildPreview(input({ base: docs({ A: { action: 'a:b' } }), head: docs({ A: { action: 'a:c' } }), changes: [ch('edit', 'A', '111111111111', 'Dev'), ch('edit', 'A', '222222222222', 'Dev')], plan: [{ account: '111111111111', status: 'planned', changes: [], drift: [], diagnostics: [] }] }));
    expect(p.unplannedAccounts).toEqual(['222222222222']);
    expect(renderPreview(p).markdown).toContain('⛔ **No Terraform plan for 1 account(s) this change affects:** 222222222222.');
  });

  test('a job summary of a 50-policy edit in 1,000 accounts stays under 1 MiB (in bytes), keeping the summary', () => {
    const accounts = Array.from({ length: 1000 }, (_, i) => String(100000000000 + i));
    const names = Array.from({ length: 50 }, (_, i) => `Policy${i}`);
    const mk = (a: string): RepoDocuments => ({ ...docs({}), policies: new Map(names.map((n) => [n, { name: n, file: `policies/${n}.json`, document: doc(`${a}:Get${n}`) }])) });
    const changes = names.flatMap((n) => accounts.map((a) => ch('edit', n, a, 'Developer', 'Operations')));
    const p = buildPreview(input({ base: mk('s3'), head: mk('sqs'), changes, work: { accountsBuilt: 1000, totalAccounts: 1000 } }));
    const full = renderPreview(p).markdown;
    expect(Buffer.byteLength(full)).toBeGreaterThan(1024 * 1024);
    const summary = renderPreview(p, { limit: 1024 * 1024 - 4096, bytes: true, note: { fullAt: 'the `prism-preview` artifact', limit: "GitHub's 1 MiB job summary limit" } });
    expect(summary.trimmed).toBe(true);
    expect(Buffer.byteLength(summary.markdown)).toBeLessThanOrEqual(1024 * 1024 - 4096);
    expect(summary.markdown).toContain('This change affects 50 policies in 1000 account(s): 50 edit.');
    expect(summary.markdown).toContain("Details were trimmed to fit GitHub's 1 MiB job summary limit. The full preview is in the `prism-preview` artifact.");
  });

  test('labels reflect the result: breaking edits, detaches and deletes; unconfirmed deletes', () => {
    const breaking = { label: 'breaking', added: {}, removed: { s3: ['s3:PutObject'] }, denyAdded: false, denyWeakened: { actions: [], statements: 0 } } as never;
    const edit = buildPreview(input({ base: docs({ A: { action: 'a:b' } }), head: docs({ A: { action: 'a:c' } }), changes: [ch('edit', 'A', '111111111111', 'Dev')], classifications: new Map([['A', breaking]]) }));
    expect(resultLabels(edit)).toEqual(['prism:breaking']);
    const additive = buildPreview(input({ base: docs({ A: { action: 'a:b' } }), head: docs({ A: { action: 'a:c' } }), changes: [ch('edit', 'A', '111111111111', 'Dev')] }));
    expect(resultLabels(additive)).toEqual([]);
    const del = buildPreview(input({ base: docs({ A: { action: 'a:b' } }), changes: [ch('delete', 'A', '111111111111', 'Dev')] }));
    expect(resultLabels(del)).toEqual(['prism:breaking', 'prism:delete-pending']);
    expect(renderPreview(del).markdown).toContain('Labels: `prism:breaking` `prism:delete-pending`');
  });

  test("a deleted file's diff ends with its last removed line, and a created file's starts at line 1", () => {
    const p = buildPreview(input({ base: docs({ Old: { action: 's3:GetObject' } }), changes: [ch('delete', 'Old', '111111111111', 'Dev')] }));
    const diff = p.policies[0].diff.split('\n');
    expect(diff[0]).toBe('--- a/policies/Old.json');
    expect(diff[1]).toBe('+++ /dev/null');
    expect(diff[2]).toBe(`@@ -1,${diff.length - 3} +0,0 @@`);
    expect(diff.slice(3).every((l) => l.startsWith('-'))).toBe(true);
    expect(diff[diff.length - 1]).toBe('-}');
    const created = unifiedDiff('', 'a\nb').split('\n');
    expect(created.slice(2)).toEqual(['@@ -0,0 +1,2 @@', '+a', '+b']);
  });

  test('--format json: the summary is counts, with the sentence beside it', () => {
    const p = buildPreview(input({ base: docs({ A: { action: 'a:b' } }), head: docs({ A: { action: 'a:c' } }), changes: [ch('edit', 'A', '111111111111', 'Dev'), ch('attach', 'A', '222222222222', 'Ops')], fingerprint: 'e'.repeat(64) }));
    const json = previewToJson(p) as Record<string, unknown>;
    expect(json.summary).toEqual({ policies: 1, accounts: 2, changes: { edit: 1, attach: 1 }, errors: 0, warnings: 0, unconfirmedDeletes: 0, conflicts: 0 });
    expect(json.summaryText).toBe('This change affects 1 policy in 2 account(s): 1 edit · 1 attach.');
    expect(json.review).toEqual({ base: 'a'.repeat(40), fingerprint: 'e'.repeat(64) });
  });
});
