/**
 * Actions and services that do not exist. IAM accepts any `service:Action` string, so a typo is
 * silently a permission that grants nothing. Forbids, for example, `"s3:GetObjet"` (did you mean
 * s3:GetObject), `"s4:GetObject"` (no such service) or `"s3:Fly*"` (a wildcard that matches nothing).
 * @see https://docs.aws.amazon.com/service-authorization/latest/reference/reference_policies_actions-resources-contextkeys.html
 */
import { ActionCatalog } from '../iam-actions';
import { FileReporter, child, show } from '../rule-context';

const SHAPED = /^[A-Za-z0-9][A-Za-z0-9-]*:[A-Za-z0-9*?]+$/;

/** Checks every Action and NotAction string of a document against the catalog. */
export function checkActionsExist(r: FileReporter, doc: unknown, base: string, catalog: ActionCatalog): void {
  forEachStatement(doc, base, (st, p) => {
    for (const key of ['Action', 'NotAction']) {
      const v = st[key];
      const list: [unknown, string][] = Array.isArray(v) ? v.map((a, i) => [a, child(child(p, key), i)]) : v === undefined ? [] : [[v, child(p, key)]];
      for (const [action, ap] of list) {
        if (typeof action !== 'string' || (action !== '*' && !SHAPED.test(action))) continue; // the shape rule reports these
        const c = catalog.check(action);
        if (c.kind === 'unknown-service') {
          r.error('iam/unknown-service', ap, `service ${show(c.service)} in action ${show(action)} does not exist; expected an AWS service prefix such as "s3" or "ec2"`, {
            hint: c.suggestion ? `Did you mean ${show(c.suggestion)}?` : undefined,
          });
        } else if (c.kind === 'unknown-action') {
          r.error('iam/unknown-action', ap, `action ${show(action)} does not exist; IAM would accept it and grant nothing`, {
            hint: c.suggestion ? `Did you mean ${show(c.suggestion)}?` : 'If AWS added it after the bundled action list, add it to extraIamActions in cdktf.json.',
          });
        } else if (c.kind === 'matches-nothing') {
          r.error('iam/wildcard-matches-nothing', ap, `wildcard ${show(action)} matches no action of ${show(action.split(':')[0])}; it grants nothing`);
        }
      }
    }
  });
}

/** Calls `fn` for each statement object of a document, with its pointer. */
export function forEachStatement(doc: unknown, base: string, fn: (st: Record<string, unknown>, pointer: string) => void): void {
  if (!doc || typeof doc !== 'object') return;
  const s = (doc as Record<string, unknown>).Statement;
  const sp = child(base, 'Statement');
  const list: [unknown, string][] = Array.isArray(s) ? s.map((x, i) => [x, child(sp, i)]) : s === undefined ? [] : [[s, sp]];
  for (const [st, p] of list) if (st && typeof st === 'object' && !Array.isArray(st)) fn(st as Record<string, unknown>, p);
}
