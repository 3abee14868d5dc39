import { resolveSettings } from '../../src/core/settings';
import { RepoDocuments } from '../../src/model/types';
import { AccountChange, LibraryChanges } from '../../src/change/change-set';
import { buildPreview, confirmedDeletes, PreviewInput } from '../../src/preview/preview';
import MarkdownIt from 'markdown-it';
import { mdText } from '../../src/core/markdown';
import { GITHUB_COMMENT_LIMIT, PREVIEW_MARKER, previewToJson, renderPreview, summaryLine } from '../../src/preview/render';

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

  test('validation problems come first, with file and line', () => {
    const p = buildPreview(
      input({
        headDiagnostics: [{ code: 'iam/effect', severity: 'error', message: 'Effect is "allow"', location: { file: 'policies/X.json', line: 4, column: 31 } }],
        changes: [ch('edit', 'S3Read', '111111111111', 'Dev')],
        base: docs({ S3Read: { action: 'a:b' } }),
        head: docs({ S3Read: { action: 'a:c' } }),
      }),
    );
    const md = renderPreview(p).markdown;
    expect(md).toContain('`policies/X.json:4:31`');
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

  test('a hostile file name cannot split the validation table or hide the rest of the comment', () => {
    const file = 'policies/a|b\r<!--.json';
    const p = buildPreview(input({ base: docs({}), head: docs({}), changes: [], headDiagnostics: [{ code: 'file/unexpected', severity: 'error', message: 'x | y\r<!-- z', location: { file, line: 1, column: 1 } }] }));
    const html = new MarkdownIt({ html: true, linkify: true }).render(renderPreview(p).markdown);
    // the only comment is Prism's own marker, at the top
    expect(html.split('<!--')).toHaveLength(2);
    expect(html.startsWith(PREVIEW_MARKER)).toBe(true);
    const row = /<tbody>\s*<tr>([\s\S]*?)<\/tr>/.exec(html)![1];
    expect([...row.matchAll(/<td>/g)]).toHaveLength(4);
    expect(row).toContain('policies/a|b <!--.json'.replace('<', '&lt;'));
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
});
