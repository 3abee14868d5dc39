import { expandIamActions, invertIamActions } from '@cloud-copilot/iam-expand';
import { normalizePolicy } from '../model/normalize';
import { PolicyDocument } from '../model/types';

/** What an edit does to the actions a policy grants. */
export type EditLabel = 'additive' | 'breaking' | 'mixed' | 'unchanged';

/** An edit's meaning: its label, the action delta per service, and Deny changes. */
export interface EditClassification {
  readonly label: EditLabel;
  /** service -> actions newly granted. */
  readonly added: Readonly<Record<string, readonly string[]>>;
  /** service -> actions no longer granted. */
  readonly removed: Readonly<Record<string, readonly string[]>>;
  /** The head adds a Deny statement (breaking: it can take away what other policies grant). */
  readonly denyAdded: boolean;
  /** Actions the base denied and the head no longer does, or Deny statements removed or changed. */
  readonly denyWeakened: { readonly actions: readonly string[]; readonly statements: number };
}

type Statement = { Effect?: string; Action?: unknown; NotAction?: unknown };
const list = (v: unknown): string[] => (Array.isArray(v) ? v.filter((x): x is string => typeof x === 'string') : typeof v === 'string' ? [v] : []);
// iam-expand's InvalidActionBehavior.Remove: unknown actions are validation's business, not the label's
const OPTIONS = { expandAsterisk: true, invalidActionBehavior: 'Remove' as never };

/** The actions a set of statements covers, expanded (Action) or inverted (NotAction), lower-cased -> canonical. */
async function covered(statements: Statement[]): Promise<Map<string, string>> {
  const out = new Map<string, string>();
  for (const st of statements) {
    const actions = 'NotAction' in st ? await invertIamActions(list(st.NotAction), OPTIONS) : await expandIamActions(list(st.Action), OPTIONS);
    for (const a of actions) out.set(a.toLowerCase(), a);
  }
  return out;
}

function statementsOf(doc: PolicyDocument | undefined): Statement[] {
  if (!doc) return [];
  const s = doc.Statement;
  return (Array.isArray(s) ? s : [s]).filter((x): x is Statement => !!x && typeof x === 'object');
}

function byService(actions: Iterable<string>): Record<string, string[]> {
  const out: Record<string, string[]> = {};
  for (const a of actions) {
    const svc = a.split(':')[0];
    (out[svc] ??= []).push(a);
  }
  for (const k of Object.keys(out)) out[k].sort();
  return out;
}

const diff = (a: Map<string, string>, b: Map<string, string>) => [...a].filter(([k]) => !b.has(k)).map(([, v]) => v);

/**
 * Classifies an edit from what Allow statements grant (wildcards expanded with iam-expand; NotAction
 * inverted) at base and head: additive when it only grants more; breaking when it removes granted
 * actions or adds a Deny; mixed when both; unchanged when only resources or conditions moved.
 * Resources and conditions are not compared: the label is about actions, as in RDS's minor/major.
 */
export async function classifyEdit(base: PolicyDocument | undefined, head: PolicyDocument | undefined): Promise<EditClassification> {
  const b = statementsOf(base);
  const h = statementsOf(head);
  const [allowB, allowH, denyB, denyH] = await Promise.all([
    covered(b.filter((s) => s.Effect === 'Allow')),
    covered(h.filter((s) => s.Effect === 'Allow')),
    covered(b.filter((s) => s.Effect === 'Deny')),
    covered(h.filter((s) => s.Effect === 'Deny')),
  ]);
  const added = diff(allowH, allowB);
  const removed = diff(allowB, allowH);
  const key = (s: Statement) => JSON.stringify(normalizePolicy({ Version: '2012-10-17', Statement: [s] }).Statement);
  const baseDenies = new Set(b.filter((s) => s.Effect === 'Deny').map(key));
  const headDenies = new Set(h.filter((s) => s.Effect === 'Deny').map(key));
  const denyAdded = [...headDenies].some((k) => !baseDenies.has(k)) && diff(denyH, denyB).length > 0;
  const weakenedActions = diff(denyB, denyH);
  const changedDenies = [...baseDenies].filter((k) => !headDenies.has(k)).length;
  const breaking = removed.length > 0 || denyAdded;
  const label: EditLabel = added.length && breaking ? 'mixed' : added.length ? 'additive' : breaking ? 'breaking' : 'unchanged';
  return { label, added: byService(added), removed: byService(removed), denyAdded, denyWeakened: { actions: weakenedActions.sort(), statements: changedDenies } };
}
