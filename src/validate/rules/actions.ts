/**
 * Actions and services that do not exist. IAM accepts any `service:Action` string, so a typo is
 * silently a permission that grants nothing. Forbids, for example, `"s3:GetObjet"` (did you mean
 * s3:GetObject), `"s4:GetObject"` (did you mean s3) or `"s3:Fly*"` (a wildcard that matches
 * nothing). An action or service the catalog does not list and that is no near miss of a known one
 * (`"deepracer:*"`, retired; an action newer than the catalog) is a warning that says which.
 * @see https://docs.aws.amazon.com/service-authorization/latest/reference/reference_policies_actions-resources-contextkeys.html
 */
import { IamCatalog, Unlisted } from '../iam-catalog';
import { FileReporter, child, show } from '../rule-context';

const SHAPED = /^[A-Za-z0-9][A-Za-z0-9-]*:[A-Za-z0-9*?]+$/;

/** Why an action or service is not in the catalog, for the warning. */
function unlistedReason(u: Unlisted, catalog: IamCatalog): string {
  switch (u.why) {
    case 'retired':
      return `${u.serviceName} is retired: AWS no longer lists its actions (the AWS managed policy ${u.example} still names them), so it grants nothing today`;
    case 'aws-managed':
      return `the AWS managed policy ${u.example} names it, so AWS knows it: it is newer than ${catalog.catalogName}, or AWS does not document it`;
    default:
      return `it is newer than ${catalog.catalogName}, or it does not exist (then it grants nothing)`;
  }
}

/** Checks every Action and NotAction string of a statement against the catalog. */
export function checkStatementActions(r: FileReporter, st: Record<string, unknown>, p: string, catalog: IamCatalog): void {
  const hint = 'If it is meant, list it under extraIamActions in cdktf.json ("service:*" for a whole service) to silence this warning.';
  for (const key of ['Action', 'NotAction']) {
    const v = st[key];
    if (v === undefined) continue;
    const list = Array.isArray(v) ? v : [v];
    for (let i = 0; i < list.length; i++) {
      const action = list[i];
      if (typeof action !== 'string' || (action !== '*' && !SHAPED.test(action))) continue; // the shape rule reports these
      const c = catalog.check(action);
      if (c.kind === 'ok') continue;
      const ap = Array.isArray(v) ? child(child(p, key), i) : child(p, key);
      switch (c.kind) {
        case 'unknown-service':
          r.error('iam/unknown-service', ap, `service ${show(c.service)} in action ${show(action)} does not exist; expected an AWS service prefix such as "s3" or "ec2"`, {
            hint: `Did you mean ${show(c.suggestion)}?`,
          });
          break;
        case 'unknown-action':
          r.error('iam/unknown-action', ap, `action ${show(action)} does not exist; IAM would accept it and grant nothing`, { hint: `Did you mean ${show(c.suggestion)}?` });
          break;
        case 'unlisted-service':
          r.warning('iam/unlisted-service', ap, `service ${show(c.service)} in action ${show(action)} is not in the IAM action catalog: ${unlistedReason(c.unlisted, catalog)}`, { hint });
          break;
        case 'unlisted-action':
          r.warning('iam/unlisted-action', ap, `action ${show(action)} is not in the IAM action catalog: ${unlistedReason(c.unlisted, catalog)}`, { hint });
          break;
        case 'matches-nothing':
          r.error('iam/wildcard-matches-nothing', ap, `wildcard ${show(action)} matches no action of ${show(action.split(':')[0])}; it grants nothing`, {
            hint: 'Check the spelling against the service\'s actions in the Service Authorization Reference; wildcards match case-insensitively.',
          });
          break;
        default:
          break;
      }
    }
  }
}

/** Calls `fn` for each statement object of a document, with its pointer. */
export function forEachStatement(doc: unknown, base: string, fn: (st: Record<string, unknown>, pointer: string) => void): void {
  if (!doc || typeof doc !== 'object') return;
  const s = (doc as Record<string, unknown>).Statement;
  const sp = child(base, 'Statement');
  const list: [unknown, string][] = Array.isArray(s) ? s.map((x, i) => [x, child(sp, i)]) : s === undefined ? [] : [[s, sp]];
  for (const [st, p] of list) if (st && typeof st === 'object' && !Array.isArray(st)) fn(st as Record<string, unknown>, p);
}
