/**
 * The dashboard benchmark: a ledger of 1,000 accounts x 200 policies x 10 waves, every policy in
 * every account. That is 2,000,000 rollouts and, with their PENDING lines and the watermarks,
 * about 6,000,000 ledger lines (about 2 GB of JSONL in 2,000 run files), written the way
 * `prism apply` writes them.
 */
import * as fs from 'node:fs';
import * as path from 'node:path';
import { runFile } from '../artifacts/ledger';

/** The size of the generated ledger. */
export interface LedgerShape {
  readonly accounts: number;
  readonly policies: number;
  readonly waves: number;
}

/** The issue's workload: 1,000 accounts x 200 policies x 10 waves. */
export const DASHBOARD_SHAPE: LedgerShape = { accounts: 1000, policies: 200, waves: 10 };
const SETS = 20;

const account = (i: number) => String(100000000000 + i * 7919);
const hex = (n: number, width: number) => n.toString(16).padStart(width, '0').slice(-width);
const uuid = (kind: number, n: number) => `${hex(kind, 8)}-${hex(n >>> 16, 4)}-4${hex(n & 0xfff, 3)}-a${hex(n % 4096, 3)}-${hex(n * 2654435761, 12)}`;

/** The repository's documents: the policies (with descriptions), 20 permission sets of 10, every set in every account. */
export function writeDashboardDocuments(dir: string, shape: LedgerShape = DASHBOARD_SHAPE): void {
  const write = (rel: string, text: string) => {
    fs.mkdirSync(path.dirname(path.join(dir, rel)), { recursive: true });
    fs.writeFileSync(path.join(dir, rel), text);
  };
  for (let p = 0; p < shape.policies; p++) {
    write(`policies/P${p}.json`, JSON.stringify({ Version: '2012-10-17', Statement: [{ Effect: 'Allow', Action: ['s3:GetObject'], Resource: `arn:aws:s3:::bucket-${p}/*` }] }, null, 2) + '\n');
    write(`policies/P${p}.meta.yaml`, `description: Generated policy ${p} for the dashboard benchmark.\n`);
  }
  for (let s = 0; s < SETS; s++) {
    const cmps = Array.from({ length: shape.policies }, (_, p) => p).filter((p) => p % SETS === s);
    write(`permission-sets/PS${s}.yaml`, `customerManagedPolicies:\n${cmps.map((p) => `  - P${p}\n`).join('')}`);
    write(`assignments/ps${s}.yaml`, `permissionSet: PS${s}\naccounts:\n${Array.from({ length: shape.accounts }, (_, a) => `  - "${account(a)}"\n`).join('')}`);
  }
}

/**
 * The text of one run's ledger file, as `prism apply` writes it: wave `w` of policy `p` over every
 * account, each rollout a PENDING line and then its settled line (1% FAILED with a Terraform-like
 * error), then a watermark per account.
 */
function runText(p: number, w: number, shape: LedgerShape): { file: string; text: string; lines: number } {
  const t0 = Date.UTC(2026, 0, 1);
  const run = w * shape.policies + p;
  const runId = uuid(0xa11, run);
  const commit = hex(run * 40503 + 17, 8).repeat(5);
  const start = t0 + run * 3_600_000;
  const startedAt = new Date(start).toISOString();
  const head = `"runId":"${runId}","policy":"P${p}"`;
  const tail = `"commit":"${commit}","pullRequest":${100 + run},"runUrl":"https://github.com/acme/prism-iam/actions/runs/${9_000_000 + run}","permissionSets":["PS${p % SETS}"]`;
  const event = w === 0 ? 'CREATE' : 'EDIT';
  const pending: string[] = [];
  const settled: string[] = [];
  const marks: string[] = [];
  for (let a = 0; a < shape.accounts; a++) {
    const id = uuid(0xb22, run * shape.accounts + a);
    pending.push(`{"id":"${id}",${head},"account":"${account(a)}","event":"${event}","status":"PENDING","startedAt":"${startedAt}",${tail}}`);
    const failed = (a * 31 + w * 7 + p) % 100 === 0;
    const endedAt = new Date(start + 20_000 + Math.floor(a / 4) * 1_500 + ((a * 7919) % 13_000)).toISOString();
    const error = failed ? `,"error":"Error: updating IAM Policy (arn:aws:iam::${account(a)}:policy/Prism-P${p}): operation error IAM: CreatePolicyVersion, https response error StatusCode: 409, api error LimitExceeded: Cannot exceed quota for PolicyVersionsPerPolicy: 5"` : '';
    settled.push(`{"id":"${id}",${head},"account":"${account(a)}","event":"${event}","status":"${failed ? 'FAILED' : 'SUCCESS'}","startedAt":"${startedAt}",${tail}${error},"endedAt":"${endedAt}"}`);
    if (!failed) marks.push(`{"type":"applied","account":"${account(a)}","commit":"${commit}","stateHash":"${hex(run * 7 + a, 16).repeat(4)}","at":"${endedAt}","runId":"${runId}"}`);
  }
  const lines = [...pending, ...settled, ...marks];
  return { file: runFile(runId, startedAt), text: lines.join('\n') + '\n', lines: lines.length };
}

/**
 * Writes the ledger under `dir` as apply writes it today: one file per run,
 * rollouts/runs/<date>/<time>-<runId>.jsonl; here a run is one wave of one policy. Returns the
 * number of files, lines and bytes.
 */
export function writeDashboardLedger(dir: string, shape: LedgerShape = DASHBOARD_SHAPE): { files: number; lines: number; bytes: number } {
  let files = 0;
  let lines = 0;
  let bytes = 0;
  for (let w = 0; w < shape.waves; w++) {
    for (let p = 0; p < shape.policies; p++) {
      const r = runText(p, w, shape);
      fs.mkdirSync(path.dirname(path.join(dir, r.file)), { recursive: true });
      fs.writeFileSync(path.join(dir, r.file), r.text);
      files++;
      lines += r.lines;
      bytes += r.text.length;
    }
  }
  return { files, lines, bytes };
}

/**
 * One more apply: the next wave of the next policy in turn (after the `waves` of every policy,
 * and after any earlier extra run), written as its run file. Returns its path.
 */
export function writeNextRun(dir: string, shape: LedgerShape = DASHBOARD_SHAPE): string {
  const folder = path.join(dir, 'rollouts', 'runs');
  const existing = (fs.readdirSync(folder, { recursive: true, encoding: 'utf8' }) as string[]).filter((f) => f.endsWith('.jsonl')).length;
  const n = existing; // runs are numbered w * policies + p
  const r = runText(n % shape.policies, Math.floor(n / shape.policies), shape);
  fs.mkdirSync(path.dirname(path.join(dir, r.file)), { recursive: true });
  fs.writeFileSync(path.join(dir, r.file), r.text);
  return r.file;
}

/** Baseline: read every ledger file and JSON.parse every line, nothing else. */
export function readAndParseLedger(dir: string): number {
  const folder = path.join(dir, 'rollouts');
  let n = 0;
  for (const name of fs.readdirSync(folder, { recursive: true, encoding: 'utf8' }) as string[]) {
    if (!name.endsWith('.jsonl')) continue;
    for (const line of fs.readFileSync(path.join(folder, name), 'utf8').split('\n')) if (line) n += JSON.parse(line).account ? 1 : 0;
  }
  return n;
}
