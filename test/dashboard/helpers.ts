import * as fs from 'node:fs';
import * as os from 'node:os';
import * as path from 'node:path';
import { readLedgerRows } from '../../src/artifacts/ledger';
import { RolloutRow } from '../../src/model/rollout';
import { RepoDocuments } from '../../src/model/types';
import { loadAndValidate } from '../../src/validate/load-and-validate';

export const REPO_ROOT = path.join(__dirname, '..', '..');
/** The example ledger for the bundled organisation: test/dashboard/fixtures/example/rollouts/. */
export const EXAMPLE_LEDGER_DIR = path.join(__dirname, 'fixtures', 'example');

/** The bundled example's documents and the example ledger's rows. */
export function exampleInputs(): { rows: RolloutRow[]; documents: RepoDocuments } {
  const checked = loadAndValidate(REPO_ROOT);
  return { rows: [...readLedgerRows(EXAMPLE_LEDGER_DIR)], documents: checked.documents };
}

/** A temp copy of the bundled example organisation with the example ledger in rollouts/. */
export function exampleRepoCopy(): string {
  const dir = fs.mkdtempSync(path.join(os.tmpdir(), 'prism-dashboard-repo-'));
  for (const f of ['policies', 'permission-sets', 'assignments', 'cdktf.json']) fs.cpSync(path.join(REPO_ROOT, f), path.join(dir, f), { recursive: true });
  fs.cpSync(path.join(EXAMPLE_LEDGER_DIR, 'rollouts'), path.join(dir, 'rollouts'), { recursive: true });
  return dir;
}

/** Rows of the rollouts table (tbody tr of #rollouts) of a page, as raw HTML. */
export function tableRows(html: string, id = 'rollouts'): string[] {
  const table = new RegExp(`<table id="${id}">([\\s\\S]*?)</table>`).exec(html);
  if (!table) return [];
  const body = /<tbody>([\s\S]*?)<\/tbody>/.exec(table[1]);
  return body ? body[1].split('\n').filter((l) => l.startsWith('<tr')) : [];
}
