/**
 * Terraform evaluates every string of a resource, provider or import block in `cdk.tf.json` as a
 * template: `${...}` interpolates and `%{...}` is a directive. IAM policy variables
 * (`${aws:username}`) would then fail to parse, and worse, `${path.cwd}` or `${file("...")}` in a
 * description would be evaluated on the runner. Every user string that reaches such a block goes
 * through `terraformLiteral`, so Terraform passes exactly the file's text to AWS.
 *
 * Not every string is a template: backend settings and variable defaults are literal values, so they
 * must not be encoded (an encoded `$${` there would reach Terraform as two dollar signs). A test runs
 * a hostile corpus through the real terraform binary to keep both facts honest.
 *
 * @see https://developer.hashicorp.com/terraform/language/syntax/json#expression-mapping
 * @see https://developer.hashicorp.com/terraform/language/expressions/strings#escape-sequences
 */

/**
 * Encodes text so that Terraform's template parser yields it unchanged: `${` becomes `$${` and `%{`
 * becomes `%%{`. Terraform reads `$${` as a literal `${` wherever it starts, so text that already
 * contains `$${` also survives (`$${` -> `$$${` -> `$${`).
 */
export function terraformLiteral(text: string): string {
  // a function replacement: in a replacement string, `$$` would itself mean one `$`
  return text.replace(/([$%])\{/g, (_, sigil: string) => `${sigil}${sigil}{`);
}

/** `terraformLiteral` on every key and value of a string map (tags): Terraform reads object keys as templates too. */
export function terraformLiteralMap(map: Readonly<Record<string, string>>): Record<string, string> {
  const out: Record<string, string> = {};
  for (const [k, v] of Object.entries(map)) out[terraformLiteral(k)] = terraformLiteral(v);
  return out;
}
