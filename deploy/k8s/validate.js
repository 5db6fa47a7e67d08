// Schema check of every manifest in this folder against the Kubernetes API types (npm
// kubernetes-models), since no cluster is at hand: `node deploy/k8s/validate.js` after
// `npm install kubernetes-models yaml`. Exits 1 on the first kind of error it finds in any file.
const fs = require('fs');
const path = require('path');
const YAML = require('yaml');

let failed = 0;
const folder = __dirname;
for (const file of fs.readdirSync(folder).filter((name) => name.endsWith('.yaml') && name !== 'kustomization.yaml')) {
  for (const doc of YAML.parseAllDocuments(fs.readFileSync(path.join(folder, file), 'utf8'))) {
    const manifest = doc.toJSON();
    if (!manifest) continue;
    const [group, version] = manifest.apiVersion.includes('/') ? manifest.apiVersion.split('/') : ['', manifest.apiVersion];
    const Kind = require(group ? `kubernetes-models/${group}/${version}` : `kubernetes-models/${version}`)[manifest.kind];
    try {
      new Kind(manifest).validate();
      console.log(`ok   ${file} ${manifest.kind}/${manifest.metadata.name}`);
    } catch (error) {
      failed++;
      console.log(`FAIL ${file} ${manifest.kind}/${manifest.metadata?.name}: ${error.message.split('\n')[0]}`);
    }
  }
}
process.exit(failed ? 1 : 0);
