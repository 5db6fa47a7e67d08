#!/usr/bin/env node
'use strict';
// proto-loader reads broker.proto at run time, so the package carries its own copy of the
// repository's contract. `node scripts/copy-proto.js` refreshes it; `--check` exits 1 when the
// copy differs from protos/ (run by `npm test`, so a stale copy fails the build).
const fs = require('node:fs');
const path = require('node:path');

const relative = path.join('tlsbroker', 'v1', 'broker.proto');
const source = path.resolve(__dirname, '..', '..', '..', '..', 'protos', relative);
const target = path.resolve(__dirname, '..', 'proto', relative);

function main(check) {
  if (!fs.existsSync(source)) {
    // Installed from a tarball, outside the repository: the packaged copy is all there is.
    console.log(`copy-proto: ${source} not found; keeping the packaged ${target}`);
    return 0;
  }
  const wanted = fs.readFileSync(source);
  const current = fs.existsSync(target) ? fs.readFileSync(target) : null;
  if (current !== null && current.equals(wanted)) {
    console.log(`copy-proto: ${target} is current`);
    return 0;
  }
  if (check) {
    console.error(`copy-proto: ${target} differs from ${source}; run \`npm run copy-proto\``);
    return 1;
  }
  fs.mkdirSync(path.dirname(target), { recursive: true });
  fs.writeFileSync(target, wanted);
  console.log(`copy-proto: copied ${source} to ${target}`);
  return 0;
}

process.exitCode = main(process.argv.includes('--check'));
