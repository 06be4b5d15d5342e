import { readFileSync, writeFileSync } from 'node:fs';
import { join } from 'node:path';
import { renderAccessControlDoc } from '../kernel/auth/access-control-doc';

// npm run docs:access        writes docs/access-control.md from the permission catalogue
// node dist/cli/access-doc.js --check   exits 1 when the committed file is stale
const FILE = join(__dirname, '..', '..', 'docs', 'access-control.md');
const doc = renderAccessControlDoc();
if (process.argv[2] === '--check') {
  if (readFileSync(FILE, 'utf8') !== doc) {
    process.stderr.write(`${JSON.stringify({ error: 'docs_drift', message: 'docs/access-control.md is stale; run npm run docs:access' })}\n`);
    process.exitCode = 1;
  }
} else {
  writeFileSync(FILE, doc);
  process.stdout.write(`${JSON.stringify({ written: 'docs/access-control.md' })}\n`);
}
