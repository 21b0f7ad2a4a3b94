#!/usr/bin/env bash
# Acceptance check: a new Vitest project installs the packed tarball (npm pack), takes its files from the README's
# Vitest section (the code blocks marked `<!-- check-packed vitest: PATH -->`), type-checks them and passes its
# tests with msw 2 on this machine's Node (20), then with msw 3 on Node 24 (scripts/node24.sh).
# Needs the npm registry. README_FILE=… reads another file; KEEP=1 keeps the temp dir.
set -euo pipefail
cd "$(dirname "$0")/.."
repo=$PWD
readme=$(realpath "${README_FILE:-README.md}")
work=$(mktemp -d "${TMPDIR:-/tmp}/token-api-emulator-packed.XXXXXX")
if [ "${KEEP:-}" = 1 ]; then echo "check-packed: keeping $work"; else trap 'rm -rf "$work"' EXIT; fi
npm_q() { npm --no-audit --no-fund --prefer-offline --loglevel=error "$@"; }
step() { echo "check-packed: $*"; }

step "packing (npm pack runs the build)"
tarball=$(npm pack --silent --pack-destination "$work" 2>/dev/null | tail -n 1)
[ -f "$work/$tarball" ] || { echo "check-packed: npm pack produced no tarball" >&2; exit 1; }

mkdir "$work/project"
cd "$work/project"
cat > package.json <<'JSON'
{ "name": "token-api-emulator-packed-check", "private": true, "type": "module", "scripts": { "test": "vitest run" } }
JSON
cat > tsconfig.json <<'JSON'
{
  "compilerOptions": {
    "target": "ES2022", "module": "NodeNext", "moduleResolution": "NodeNext", "lib": ["ES2023", "DOM"],
    "types": ["node"], "strict": true, "noEmit": true, "skipLibCheck": true
  },
  "include": ["**/*.ts"], "exclude": ["node_modules"]
}
JSON

step "extracting the README's Vitest files from $readme"
node - "$readme" <<'JS'
const fs = require('node:fs');
const path = require('node:path');
const text = fs.readFileSync(process.argv[2], 'utf8');
const re = /<!--\s*check-packed vitest:\s*(\S+)\s*-->\s*\n```[a-z]*\n([\s\S]*?)\n```/g;
let n = 0;
for (const [, file, code] of text.matchAll(re)) {
  fs.mkdirSync(path.dirname(file), { recursive: true });
  fs.writeFileSync(file, code + '\n');
  console.log(`  ${file}`);
  n++;
}
if (!n || !fs.readdirSync('.', { recursive: true }).some((f) => /\.test\.ts$/.test(f))) {
  console.error(`check-packed: ${process.argv[2]} has no <!-- check-packed vitest: … --> test file`);
  process.exit(1);
}
JS

step "installing the tarball, vitest, msw@2 and typescript on Node $(node -v)"
npm_q install --save-dev "$work/$tarball" vitest "msw@^2" typescript "@types/node@^20"
node -e "console.log('  msw', require('msw/package.json').version, '· vitest', require('vitest/package.json').version)"
step "type-checking the README's files"
npx tsc -p .
step "vitest with msw 2 on Node $(node -v)"
npx vitest run

step "the installed command serves the dashboard (/__emulator/ and its assets)"
node --input-type=module - <<'JS'
import { spawn } from 'node:child_process';
const child = spawn('./node_modules/.bin/token-api-emulator', ['--port', '0', '--quiet'], { stdio: ['ignore', 'pipe', 'inherit'] });
try {
  const url = await new Promise((resolve, reject) => {
    let out = '';
    child.stdout.on('data', (c) => { out += c; const m = /listening on (\S+)/.exec(out); if (m) resolve(m[1]); });
    child.once('exit', (code) => reject(new Error(`exited ${code}: ${out}`)));
  });
  const page = await fetch(`${url}/__emulator/`);
  const html = await page.text();
  if (page.status !== 200 || !html.includes('/__emulator/assets/app.js')) throw new Error(`/__emulator/ answered ${page.status}`);
  for (const asset of ['app.js', 'app.css', 'icon.svg']) {
    const res = await fetch(`${url}/__emulator/assets/${asset}`);
    if (res.status !== 200) throw new Error(`/__emulator/assets/${asset} answered ${res.status}`);
  }
  console.log(`  ${url}/__emulator/: 200, assets 200`);
} finally {
  child.kill();
}
JS

node24=$(cd "$repo" && bash scripts/node24.sh)
export PATH="$node24:$PATH"
step "installing msw@3 on Node $(node -v)"
npm_q install --save-dev "msw@^3"
node -e "console.log('  msw', require('msw/package.json').version)"
step "vitest with msw 3 on Node $(node -v)"
npx vitest run
step "passed: msw 2 on Node 20 and msw 3 on Node 24"
