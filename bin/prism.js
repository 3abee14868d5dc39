#!/usr/bin/env node
'use strict';
// Node 20 reached end of life on 2026-04-30 and the AWS SDK prints eight lines about it on every
// client; Prism still runs there, and prism doctor says once what to use instead (Node 22 or 24)
if (Number(process.versions.node.split('.')[0]) < 22 && process.env.AWS_SDK_JS_NODE_VERSION_SUPPORT_WARNING_DISABLED === undefined) {
  process.env.AWS_SDK_JS_NODE_VERSION_SUPPORT_WARNING_DISABLED = 'true';
}
// a closed pipe (prism ... | head) is not an error
process.stdout.on('error', (err) => {
  if (err.code === 'EPIPE') process.exit(process.exitCode ?? 0);
  throw err;
});
require('../dist/cli/main.js').main(process.argv.slice(2)).then((code) => {
  process.exitCode = code;
});
