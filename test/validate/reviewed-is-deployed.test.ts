import * as fs from 'node:fs';
import * as path from 'node:path';
import { loadAndValidate } from '../../src/validate/load-and-validate';
import { minimalRepo, validateFiles, writeRepo } from '../helpers/repo';

// Issue 13: what the reviewer reads must be what is deployed. Each test reproduces an attack that
// passed validation before, and checks that it is now an error at the right place.

const errorsOf = (files: Record<string, string | object>) =>
  validateFiles(files)
    .diagnostics.filter((d) => d.severity === 'error')
    .map((d) => `${d.code} ${d.location!.file}:${d.location!.line}`);

describe('validate: the reviewed text is what is deployed', () => {
  test('rejects a duplicate key hidden by a JSON escape ("\\u0045ffect" after "Effect")', () => {
    // GIVEN: a reviewer sees Deny; JSON.parse keeps the last key, so AWS would get Allow
    const text = '{\n  "Version": "2012-10-17",\n  "Statement": [\n    {\n      "Effect": "Deny",\n      "\\u0045ffect": "Allow",\n      "Action": "s3:DeleteBucket",\n      "Resource": "*"\n    }\n  ]\n}\n';
    expect(JSON.parse(text).Statement[0].Effect).toBe('Allow');
    // WHEN / THEN
    const { diagnostics } = validateFiles({ ...minimalRepo(), 'policies/S3Read.json': text });
    const dup = diagnostics.filter((d) => d.code === 'json/duplicate-key');
    expect(dup.map((d) => `${d.severity} ${d.location!.line}:${d.location!.column}`)).toEqual(['error 6:7']);
    expect(dup[0].message).toContain('"Effect"');
    expect(dup[0].message).toContain('escape');
  });

  test('rejects a duplicate key hidden by other escapes (\\/ in a key)', () => {
    const text = '{\n  "Version": "2012-10-17",\n  "Statement": [\n    { "Effect": "Allow", "Action": "s3:GetObject", "Resource": "*", "Condition": { "StringEquals": { "aws:PrincipalTag/team": "a", "aws:PrincipalTag\\/team": "b" } } }\n  ]\n}\n';
    expect(errorsOf({ ...minimalRepo(), 'policies/S3Read.json': text })).toEqual(['json/duplicate-key policies/S3Read.json:4']);
  });

  test('rejects a duplicate key hidden by a YAML escape in a permission set', () => {
    const ps = 'customerManagedPolicies:\n  - S3Read\ninlinePolicy:\n  Version: "2012-10-17"\n  Statement:\n    - Effect: Deny\n      "\\u0045ffect": Allow\n      Action: s3:DeleteBucket\n      Resource: "*"\n';
    expect(errorsOf({ ...minimalRepo(), 'permission-sets/Dev.yaml': ps })).toEqual(['yaml/duplicate-key permission-sets/Dev.yaml:7']);
  });

  test('rejects YAML keys that differ only until converted to text (true and "true", 1 and "1")', () => {
    const ps = 'customerManagedPolicies:\n  - S3Read\ntags:\n  1: one\n  "1": two\n';
    expect(errorsOf({ ...minimalRepo(), 'permission-sets/Dev.yaml': ps })).toEqual(['yaml/duplicate-key permission-sets/Dev.yaml:5']);
    const assignment = 'permissionSet: Dev\naccounts:\n  - "111111111111"\ntrue: x\n"true": y\n';
    expect(errorsOf({ ...minimalRepo(), 'assignments/dev.yaml': assignment })).toEqual(expect.arrayContaining(['yaml/duplicate-key assignments/dev.yaml:5']));
  });

  test.each(['policies', 'permission-sets', 'assignments'])('rejects a %s folder that is a symlink to outside the repository', (folder) => {
    // GIVEN: the folder's files live elsewhere, unreviewed
    const files = minimalRepo();
    const outside = writeRepo(Object.fromEntries(Object.entries(files).filter(([p]) => p.startsWith(folder + '/'))));
    const dir = writeRepo(Object.fromEntries(Object.entries(files).filter(([p]) => !p.startsWith(folder + '/'))));
    fs.symlinkSync(path.join(outside, folder), path.join(dir, folder));
    // WHEN
    const { diagnostics } = loadAndValidate(dir);
    // THEN: the folder is an error, and none of its files is read
    const errors = diagnostics.filter((d) => d.severity === 'error');
    expect(errors.map((d) => `${d.code} ${d.location!.file}:${d.location!.line}`)).toEqual(expect.arrayContaining([`file/symlink-outside ${folder}:1`]));
    expect(diagnostics.some((d) => d.location!.file.startsWith(folder + '/'))).toBe(false);
  });

  test('follows a user folder that is a symlink inside the repository', () => {
    const files = minimalRepo();
    const dir = writeRepo(Object.fromEntries(Object.entries(files).map(([p, c]) => [p.replace(/^policies\//, 'library/'), c])));
    fs.symlinkSync(path.join(dir, 'library'), path.join(dir, 'policies'));
    expect(loadAndValidate(dir).diagnostics.filter((d) => d.severity !== 'note')).toEqual([]);
  });

  test('rejects a role name pattern with "/" (IAM role names cannot contain it)', () => {
    const settings = { app: 'x', context: { prism: { roles: { namePattern: 'teams/{permissionSet}' } } } };
    const { diagnostics } = validateFiles({ ...minimalRepo(), 'cdktf.json': settings });
    const d = diagnostics.find((x) => x.code === 'settings/role-name')!;
    expect(d.severity).toBe('error');
    expect(d.message).toContain('"/"');
    expect(d.hint).toContain('roles.path');
  });
});
