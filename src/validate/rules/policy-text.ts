/**
 * Limits IAM applies to a policy's text. Forbids, for example, a "–" (U+2013 en dash) pasted from
 * a document, or a 7,000-character customer managed policy.
 * @see https://docs.aws.amazon.com/IAM/latest/UserGuide/reference_iam-quotas.html
 */
import { Diagnostic } from '../../core/diagnostics';
import { LineIndex } from '../../core/source-location';
import { FileReporter } from '../rule-context';

/** Non-whitespace characters allowed in a customer managed policy. */
export const MANAGED_POLICY_MAX_CHARS = 6144;
/** Non-whitespace characters allowed in a role's inline policies (aggregate). */
export const INLINE_POLICY_MAX_CHARS = 10240;

/** Counts characters other than space, tab, CR and LF: how IAM measures policy size. */
export function countNonWhitespace(text: string): number {
  let n = 0;
  for (let i = 0; i < text.length; i++) {
    const c = text.charCodeAt(i);
    if (c !== 32 && c !== 9 && c !== 10 && c !== 13) n++;
  }
  return n;
}

/** The offset of the first character IAM rejects (outside tab, LF, CR and U+0020-U+00FF), or -1. */
export function firstDisallowedChar(text: string): number {
  for (let i = 0; i < text.length; i++) {
    const c = text.charCodeAt(i);
    if (c > 0xff || (c < 0x20 && c !== 9 && c !== 10 && c !== 13)) return i;
  }
  return -1;
}

/** Checks a policy file's raw text: the characters IAM accepts and the 6,144-character limit. */
export function checkPolicyText(file: string, text: string): Diagnostic[] {
  const diagnostics: Diagnostic[] = [];
  const bad = firstDisallowedChar(text);
  if (bad >= 0) {
    const lines = new LineIndex(text);
    const cp = text.codePointAt(bad)!;
    diagnostics.push({
      code: 'iam/characters',
      severity: 'error',
      message: `character U+${cp.toString(16).toUpperCase().padStart(4, '0')} (${JSON.stringify(String.fromCodePoint(cp))}) is not allowed; IAM accepts tab, LF, CR and U+0020 to U+00FF only`,
      location: { file, ...lines.position(bad) },
      hint: 'Replace typographic quotes and dashes with their ASCII forms.',
    });
  }
  const size = countNonWhitespace(text);
  if (size > MANAGED_POLICY_MAX_CHARS) {
    diagnostics.push({
      code: 'iam/policy-size',
      severity: 'error',
      message: `policy document has ${size.toLocaleString('en-US')} non-whitespace characters; AWS allows ${MANAGED_POLICY_MAX_CHARS.toLocaleString('en-US')} for a customer managed policy`,
      location: { file, line: 1, column: 1 },
      hint: 'Split the policy into two customer managed policies and attach both to the permission set.',
    });
  }
  return diagnostics;
}

/** Checks an inline policy held inside a YAML file: characters in its values and the 10,240-character limit. */
export function checkInlinePolicyText(r: FileReporter, doc: unknown, pointer: string): void {
  const text = JSON.stringify(doc);
  if (firstDisallowedChar(text) >= 0) {
    r.error('iam/characters', pointer, 'inline policy contains a character IAM rejects; IAM accepts tab, LF, CR and U+0020 to U+00FF only', {
      hint: 'Replace typographic quotes and dashes with their ASCII forms.',
    });
  }
  const size = countNonWhitespace(text);
  if (size > INLINE_POLICY_MAX_CHARS) {
    r.error(
      'iam/inline-size',
      pointer,
      `inline policy has ${size.toLocaleString('en-US')} non-whitespace characters; AWS allows ${INLINE_POLICY_MAX_CHARS.toLocaleString('en-US')} for a role's inline policies`,
      { hint: 'Move statements into a customer managed policy and list it under customerManagedPolicies.' },
    );
  }
}
