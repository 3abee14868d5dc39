import * as fs from 'node:fs';
import * as path from 'node:path';
import { buildModel, BuildModelOptions } from '../../src/model/build-model';
import { materialisedPairs } from '../../src/model/rollout';
import { readLedgerFolder } from '../../src/artifacts/ledger';
import { stackName } from '../../src/core/naming';
import { synthesizeToFolder } from '../../src/pipeline/synth';
import { loadAndValidate } from '../../src/validate/load-and-validate';
import { FileMap, writeRepo } from './repo';

/** A synthesised stack, parsed. */
export type StackJson = {
  provider: { aws: Record<string, any>[] };
  terraform: Record<string, any>;
  variable: Record<string, any>;
  resource: Record<string, Record<string, Record<string, any>>>;
  import?: { to: string; id: string }[];
};

/** Validates and synthesises files; returns each account's stack JSON. Throws if the repo has errors. */
export async function synthFiles(files: FileMap, options: Omit<BuildModelOptions, 'base' | 'materialised'> & { base?: FileMap; perAccount?: boolean } = {}) {
  const dir = writeRepo(files);
  const checked = loadAndValidate(dir);
  const errors = checked.diagnostics.filter((d) => d.severity === 'error');
  if (errors.length) throw new Error(`fixture has errors: ${errors.map((e) => `${e.location?.file}: ${e.message}`).join('; ')}`);
  const base = options.base ? loadAndValidate(writeRepo(options.base)).documents : undefined;
  const model = buildModel(checked.documents, { ...options, base, materialised: materialisedPairs(readLedgerFolder(dir).rows) });
  const outDir = path.join(dir, 'cdktf.out');
  const result = await synthesizeToFolder(model, { outDir, repoRoot: dir, tuning: { perAccount: options.perAccount } });
  const stacks = new Map<string, StackJson>();
  for (const account of model.accounts.keys()) {
    stacks.set(account, JSON.parse(fs.readFileSync(path.join(outDir, 'stacks', stackName(account), 'cdk.tf.json'), 'utf8')));
  }
  return { stacks, outDir, result, model, dir };
}

/** Every resource address in a stack: type.name. */
export function addresses(stack: StackJson): string[] {
  return Object.entries(stack.resource ?? {})
    .flatMap(([type, byName]) => Object.keys(byName).map((n) => `${type}.${n}`))
    .sort();
}

/** A small organisation used across synth tests. */
export function org(): FileMap {
  const doc = (action: string) => ({ Version: '2012-10-17', Statement: [{ Sid: 'A', Effect: 'Allow', Action: action, Resource: '*' }] });
  return {
    'cdktf.json': { context: { prism: { region: 'eu-west-1', deployRole: { roleName: 'PrismDeploy', externalId: 'ext-1234', sessionName: 'prism-ci' } } } },
    'policies/S3Read.json': doc('s3:GetObject'),
    'policies/S3Read.meta.yaml': 'description: Read objects.\n',
    'policies/LogsRead.json': doc('logs:GetLogEvents'),
    'policies/Billing.json': doc('ce:GetCostAndUsage'),
    'permission-sets/Dev.yaml':
      'description: Developers\nsessionDuration: PT8H\nawsManagedPolicies:\n  - ReadOnlyAccess\ncustomerManagedPolicies:\n  - S3Read\n  - LogsRead\ninlinePolicy:\n  Version: "2012-10-17"\n  Statement:\n    - Effect: Allow\n      Action: ssm:StartSession\n      Resource: "*"\n',
    'permission-sets/Ops.yaml': 'customerManagedPolicies:\n  - LogsRead\n',
    'permission-sets/Finance.yaml': 'customerManagedPolicies:\n  - Billing\n',
    'assignments/dev.yaml': 'permissionSet: Dev\naccounts:\n  - "111111111111"\n  - "222222222222"\n',
    'assignments/ops.yaml': 'permissionSet: Ops\naccounts:\n  - "222222222222"\n  - "333333333333"\n',
    'assignments/finance.yaml': 'permissionSet: Finance\naccounts:\n  - "333333333333"\n',
  };
}
