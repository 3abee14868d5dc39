import * as fs from 'node:fs';
import * as path from 'node:path';

/** File contents by repository-relative path. */
export type GeneratedFiles = Map<string, string>;

/** Real actions, so the generated library validates with the action catalog. */
const ACTIONS: Record<string, string[]> = {
  s3: ['GetObject', 'PutObject', 'ListBucket', 'DeleteObject', 'GetBucketLocation', 'GetObjectTagging', 'Get*', 'List*'],
  ec2: ['DescribeInstances', 'StartInstances', 'StopInstances', 'DescribeVolumes', 'CreateTags', 'Describe*', 'RebootInstances', 'DescribeImages'],
  dynamodb: ['GetItem', 'PutItem', 'Query', 'Scan', 'UpdateItem', 'DeleteItem', 'BatchGetItem', 'Describe*'],
  sqs: ['SendMessage', 'ReceiveMessage', 'DeleteMessage', 'GetQueueUrl', 'GetQueueAttributes', 'ListQueues', 'ChangeMessageVisibility', 'Get*'],
  sns: ['Publish', 'Subscribe', 'ListTopics', 'GetTopicAttributes', 'CreateTopic', 'Unsubscribe', 'ListSubscriptions', 'List*'],
  kms: ['Decrypt', 'Encrypt', 'GenerateDataKey', 'DescribeKey', 'ListKeys', 'ListAliases', 'ReEncrypt*', 'Get*'],
  logs: ['CreateLogGroup', 'CreateLogStream', 'PutLogEvents', 'GetLogEvents', 'FilterLogEvents', 'DescribeLogGroups', 'DescribeLogStreams', 'Describe*'],
  lambda: ['InvokeFunction', 'GetFunction', 'ListFunctions', 'UpdateFunctionCode', 'GetFunctionConfiguration', 'ListAliases', 'PublishVersion', 'Get*'],
};
const SERVICES = Object.keys(ACTIONS);

/** Real resource ARNs of each service, so the generated library passes the resource-type checks too. */
const RESOURCES: Record<string, (team: string) => string[]> = {
  s3: (t) => [`arn:aws:s3:::${t}`, `arn:aws:s3:::${t}/*`],
  ec2: (t) => [`arn:aws:ec2:eu-west-1:*:instance/*`, `arn:aws:ec2:eu-west-1:*:volume/${t}`],
  dynamodb: (t) => [`arn:aws:dynamodb:eu-west-1:*:table/${t}`, `arn:aws:dynamodb:eu-west-1:*:table/${t}/index/*`],
  sqs: (t) => [`arn:aws:sqs:eu-west-1:*:${t}`, `arn:aws:sqs:eu-west-1:*:${t}-dlq`],
  sns: (t) => [`arn:aws:sns:eu-west-1:*:${t}`, `arn:aws:sns:eu-west-1:*:${t}-alerts`],
  kms: (t) => [`arn:aws:kms:eu-west-1:*:key/${t}`, `arn:aws:kms:eu-west-1:*:alias/${t}`],
  logs: (t) => [`arn:aws:logs:eu-west-1:*:log-group:/${t}:*`, `arn:aws:logs:eu-west-1:*:log-group:/${t}/audit`],
  lambda: (t) => [`arn:aws:lambda:eu-west-1:*:function:${t}`, `arn:aws:lambda:eu-west-1:*:function:${t}:*`],
};

function policyDocument(i: number): object {
  const statements = [];
  const n = 2 + (i % 4);
  for (let s = 0; s < n; s++) {
    const svc = SERVICES[(i + s) % SERVICES.length];
    statements.push({
      Sid: `S${s}P${i}`,
      Effect: s === n - 1 && i % 5 === 0 ? 'Deny' : 'Allow',
      Action: [0, 1, 2].map((k) => `${svc}:${ACTIONS[svc][(i + s + k) % ACTIONS[svc].length]}`).filter((a, idx, all) => all.indexOf(a) === idx),
      Resource: s % 2 === 0 ? '*' : RESOURCES[svc](`team-${i}-${s}`),
      ...(s % 3 === 1 ? { Condition: { StringEquals: { 'aws:PrincipalTag/team': `team-${i % 17}` } } } : {}),
    });
  }
  return { Version: '2012-10-17', Statement: statements };
}

const account = (i: number) => String(100000000000 + i * 7919);

/** The validation benchmark's organisation: 2,000 policies, 300 permission sets, 1,000 assignments. */
export function generateLargeLibrary(policies = 2000, permissionSets = 300, assignments = 1000): GeneratedFiles {
  const files: GeneratedFiles = new Map();
  for (let i = 0; i < policies; i++) files.set(`policies/P${i}.json`, JSON.stringify(policyDocument(i), null, 2) + '\n');
  for (let i = 0; i < policies; i += 10) files.set(`policies/P${i}.meta.yaml`, `description: Generated policy ${i} for the benchmark.\n`);
  for (let p = 0; p < permissionSets; p++) {
    const cmps = [0, 1, 2, 3, 4, 5, 6].map((k) => `P${(p * 7 + k) % policies}`);
    files.set(
      `permission-sets/PS${p}.yaml`,
      `description: Permission set ${p}\nsessionDuration: PT2H\nawsManagedPolicies:\n  - ReadOnlyAccess\ncustomerManagedPolicies:\n${cmps.map((c) => `  - ${c}\n`).join('')}`,
    );
  }
  for (let a = 0; a < assignments; a++) {
    const accounts = [0, 1, 2, 3, 4].map((k) => `  - "${account((a * 5 + k) % 1000)}"\n`);
    files.set(`assignments/a${a}.yaml`, `permissionSet: PS${a % permissionSets}\naccounts:\n${[...new Set(accounts)].join('')}`);
  }
  return files;
}

/** Name of the one policy used by only `affected` accounts in the fleet organisation. */
export const NARROW_POLICY = 'Narrow';

/**
 * The synth/preview benchmark's organisation: `accounts` accounts, each with 3 permission sets that
 * together use 50 CMPs. One CMP (`Narrow`) is used only by the first `affected` accounts.
 */
export function generateFleet(accounts = 1000, affected = 40): GeneratedFiles {
  const files: GeneratedFiles = new Map();
  files.set('cdktf.json', JSON.stringify({ app: 'node bin/prism.js synth', context: { prism: { region: 'eu-west-1', managedPolicyBudget: 20 } } }, null, 2));
  for (let i = 0; i < 50; i++) files.set(`policies/C${i}.json`, JSON.stringify(policyDocument(i), null, 2) + '\n');
  files.set(`policies/${NARROW_POLICY}.json`, JSON.stringify(policyDocument(999), null, 2) + '\n');
  const tiers: [string, string[]][] = [
    ['Tier0', range(0, 17).map((i) => `C${i}`)],
    ['Tier0Narrow', [...range(0, 16).map((i) => `C${i}`), NARROW_POLICY]],
    ['Tier1', range(17, 34).map((i) => `C${i}`)],
    ['Tier2', range(34, 50).map((i) => `C${i}`)],
  ];
  for (const [name, cmps] of tiers) {
    files.set(`permission-sets/${name}.yaml`, `description: ${name}\nawsManagedPolicies:\n  - ReadOnlyAccess\ncustomerManagedPolicies:\n${cmps.map((c) => `  - ${c}\n`).join('')}`);
  }
  const ids = range(0, accounts).map(account);
  const list = (xs: string[]) => xs.map((a) => `  - "${a}"\n`).join('');
  files.set('assignments/tier0-narrow.yaml', `permissionSet: Tier0Narrow\naccounts:\n${list(ids.slice(0, affected))}`);
  files.set('assignments/tier0.yaml', `permissionSet: Tier0\naccounts:\n${list(ids.slice(affected))}`);
  files.set('assignments/tier1.yaml', `permissionSet: Tier1\naccounts:\n${list(ids)}`);
  files.set('assignments/tier2.yaml', `permissionSet: Tier2\naccounts:\n${list(ids)}`);
  return files;
}

/** A seeded pseudo-random generator (mulberry32), so every run generates the same organisation. */
function seeded(seed: number): () => number {
  let a = seed >>> 0;
  return () => {
    a = (a + 0x6d2b79f5) >>> 0;
    let t = a;
    t = Math.imul(t ^ (t >>> 15), t | 1);
    t ^= t + Math.imul(t ^ (t >>> 7), t | 61);
    return ((t ^ (t >>> 14)) >>> 0) / 4294967296;
  };
}

/** Draws `k` distinct indices below `n`, index i with weight 1 / (i + 1) (Zipf with exponent 1). */
function zipfPick(random: () => number, n: number, k: number): number[] {
  const weights = range(0, n).map((i) => 1 / (i + 1));
  const picked = new Set<number>();
  while (picked.size < k) {
    let total = 0;
    for (let i = 0; i < n; i++) if (!picked.has(i)) total += weights[i];
    let r = random() * total;
    for (let i = 0; i < n; i++) {
      if (picked.has(i)) continue;
      r -= weights[i];
      if (r <= 0) {
        picked.add(i);
        break;
      }
    }
    if (r > 0) picked.add([...range(0, n)].reverse().find((i) => !picked.has(i))!);
  }
  return [...picked].sort((a, b) => a - b);
}

/** The shape of the realistic fleet: a real organisation's mix rather than one shape for everyone. */
export const REAL_FLEET = { accounts: 1000, permissionSets: 40, policies: 150, minSets: 2, maxSets: 8, adoptedShare: 0.1 } as const;

/**
 * A heterogeneous fleet, as real organisations have: `REAL_FLEET.permissionSets` permission sets of
 * 3 to 10 CMPs each (drawn from 150 by a Zipf-like weight, so some policies are everywhere and most
 * are rare), some with AWS managed and inline policies; each account gets 2 to 8 permission sets,
 * also by a Zipf-like draw; 10% of accounts have 1 to 3 of their policies adopted (discovery found
 * them untagged), each account with its own adoption time. With `distinct`, draws repeat until no two
 * accounts hold the same permission sets: the worst case, where no two accounts are alike.
 * Writes `.prism/discovery.json` for the adoptions.
 */
export function generateRealFleet(options: { accounts?: number; distinct?: boolean; seed?: number } = {}): GeneratedFiles {
  const { permissionSets, policies, minSets, maxSets, adoptedShare } = REAL_FLEET;
  const accounts = options.accounts ?? REAL_FLEET.accounts;
  const random = seeded(options.seed ?? 18);
  const files: GeneratedFiles = new Map();
  files.set('cdktf.json', JSON.stringify({ app: 'node bin/prism.js synth', context: { prism: { region: 'eu-west-1', managedPolicyBudget: 20 } } }, null, 2));
  for (let i = 0; i < policies; i++) files.set(`policies/R${i}.json`, JSON.stringify(policyDocument(i), null, 2) + '\n');
  const setPolicies: string[][] = [];
  for (let s = 0; s < permissionSets; s++) {
    const cmps = zipfPick(random, policies, 3 + Math.floor(random() * 8)).map((i) => `R${i}`);
    setPolicies.push(cmps);
    const aws = s % 3 === 0 ? 'awsManagedPolicies:\n  - ReadOnlyAccess\n' : s % 3 === 1 ? 'awsManagedPolicies:\n  - ReadOnlyAccess\n  - AmazonSSMReadOnlyAccess\n' : '';
    const inline = s % 4 === 0 ? `inlinePolicy:\n  Version: "2012-10-17"\n  Statement:\n    - Effect: Allow\n      Action: ssm:StartSession\n      Resource: "arn:aws:ec2:*:*:instance/*"\n` : '';
    files.set(`permission-sets/Set${s}.yaml`, `description: Permission set ${s}\nsessionDuration: PT${1 + (s % 8)}H\n${aws}customerManagedPolicies:\n${cmps.map((c) => `  - ${c}\n`).join('')}${inline}`);
  }
  const ids = range(0, accounts).map(account);
  const members: string[][] = range(0, permissionSets).map(() => []);
  const seen = new Set<string>();
  const held = new Map<string, number[]>();
  for (const id of ids) {
    let sets: number[];
    do sets = zipfPick(random, permissionSets, minSets + Math.floor(random() * (maxSets - minSets + 1)));
    while (options.distinct && seen.has(sets.join(',')));
    seen.add(sets.join(','));
    held.set(id, sets);
    for (const s of sets) members[s].push(id);
  }
  members.forEach((list, s) => {
    if (list.length) files.set(`assignments/set${s}.yaml`, `permissionSet: Set${s}\naccounts:\n${list.map((a) => `  - "${a}"\n`).join('')}`);
  });
  // adoptions: every tenth account, its own time, 1 to 3 of the policies it holds
  const discovered: Record<string, unknown> = {};
  ids.forEach((id, n) => {
    if (n % Math.round(1 / adoptedShare) !== 0) return;
    const mine = [...new Set(held.get(id)!.flatMap((s) => setPolicies[s]))].sort();
    const count = Math.min(mine.length, 1 + Math.floor(random() * 3));
    const chosen = zipfPick(random, mine.length, count).map((i) => mine[i]);
    const adoptedAt = new Date(Date.UTC(2026, 9, 1) + n * 60_000).toISOString();
    discovered[id] = { status: 'ok', policies: Object.fromEntries(chosen.map((p) => [p, { state: 'unmanaged', arn: `arn:aws:iam::${id}:policy/Prism-${p}`, adoptedAt }])) };
  });
  files.set('.prism/discovery.json', JSON.stringify({ version: 1, generatedAt: '2026-10-01T00:00:00.000Z', accounts: discovered }, null, 2) + '\n');
  return files;
}

function range(from: number, to: number): number[] {
  return Array.from({ length: to - from }, (_, i) => from + i);
}

/** Writes generated files under `dir`. */
export function writeGenerated(dir: string, files: GeneratedFiles): void {
  for (const [p, content] of files) {
    fs.mkdirSync(path.dirname(path.join(dir, p)), { recursive: true });
    fs.writeFileSync(path.join(dir, p), content);
  }
}

/**
 * The Terraform benchmark's organisation: `accounts` accounts, each with Dev (three CMPs, an AWS
 * managed policy and an inline policy) and Ops (two CMPs); every other account also gets Audit.
 * About 13 to 15 resources per account, a typical small Prism stack.
 */
export function generateTerraformFleet(accounts: number, settings: object): GeneratedFiles {
  const files: GeneratedFiles = new Map();
  files.set('cdktf.json', JSON.stringify({ app: 'node bin/prism.js synth', context: { prism: settings } }, null, 2) + '\n');
  for (let i = 0; i < 6; i++) files.set(`policies/T${i}.json`, JSON.stringify(policyDocument(i), null, 2) + '\n');
  files.set('permission-sets/Dev.yaml', 'awsManagedPolicies: [ReadOnlyAccess]\ncustomerManagedPolicies: [T0, T1, T2]\ninlinePolicy: {Version: "2012-10-17", Statement: [{Effect: Allow, Action: "ssm:StartSession", Resource: "*"}]}\n');
  files.set('permission-sets/Ops.yaml', 'customerManagedPolicies: [T3, T4]\n');
  files.set('permission-sets/Audit.yaml', 'customerManagedPolicies: [T5]\n');
  const ids = Array.from({ length: accounts }, (_, i) => account(i));
  files.set('assignments/dev.yaml', `permissionSet: Dev\naccounts:\n${ids.map((a) => `  - "${a}"\n`).join('')}`);
  files.set('assignments/ops.yaml', `permissionSet: Ops\naccounts:\n${ids.map((a) => `  - "${a}"\n`).join('')}`);
  files.set('assignments/audit.yaml', `permissionSet: Audit\naccounts:\n${ids.filter((_, i) => i % 2 === 0).map((a) => `  - "${a}"\n`).join('')}`);
  return files;
}
