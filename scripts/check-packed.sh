#!/usr/bin/env bash
# Acceptance check, as a new user: a new project installs the packed tarball (npm pack) and the README runs as printed.
#  1. The README's blocks marked `<!-- readme-check: file PATH -->` become the project's files (scripts/readme-check.mjs
#     extract): Vitest tests and config, the Jest set-ups; its json blocks must parse; unmarked blocks of other
#     languages fail the check.
#  2. On this machine's Node (20): vitest 4 + msw 2 + jest 30 — type-check, the Vitest tests, the CommonJS Jest
#     project (Jest's defaults) and the ES module Jest project.
#  3. On Node 24 (scripts/node24.sh): the newest majors, vitest 5 + msw 3 — the Vitest tests again; then the README's
#     shell blocks against the installed emulator and its ts/js scripts (scripts/readme-check.mjs run).
#  4. The registry's newest vitest/msw/jest majors must be the ones tested here: a new major fails this check with a
#     message saying what to add, before a user meets it.
# What is installed is pinned to majors (a new minor cannot turn this red; a new major is caught by step 4).
# Needs the npm registry. README_FILE=… reads another file; KEEP=1 keeps the temp dir.
set -euo pipefail
cd "$(dirname "$0")/.."
repo=$PWD
readme=$(realpath "${README_FILE:-README.md}")
work=$(mktemp -d "${TMPDIR:-/tmp}/token-api-emulator-packed.XXXXXX")
if [ "${KEEP:-}" = 1 ]; then echo "check-packed: keeping $work"; else trap 'rm -rf "$work"' EXIT; fi
npm_q() { npm --no-audit --no-fund --prefer-offline --loglevel=error "$@"; }
step() { echo "check-packed: $*"; }
# The majors tested here, oldest supported → newest; the newest must be the registry's latest (step 4).
NODE20_SET=("vitest@^4" "msw@^2" "jest@^30")
NODE24_SET=("vitest@^5" "msw@^3" "@types/node@^24")
NEWEST=(vitest@5 msw@3 jest@30)

step "packing (npm pack runs the build)"
tarball=$(npm pack --silent --pack-destination "$work" 2>/dev/null | tail -n 1)
[ -f "$work/$tarball" ] || { echo "check-packed: npm pack produced no tarball" >&2; exit 1; }

mkdir "$work/project"
cd "$work/project"
cat > package.json <<'JSON'
{ "name": "token-api-emulator-packed-check", "private": true, "type": "module" }
JSON
cat > tsconfig.json <<'JSON'
{
  "compilerOptions": {
    "target": "ES2022", "module": "NodeNext", "moduleResolution": "NodeNext", "lib": ["ES2023", "DOM"],
    "types": ["node"], "strict": true, "noEmit": true, "skipLibCheck": true, "allowImportingTsExtensions": true
  },
  "include": ["**/*.ts", "**/*.mts"], "exclude": ["node_modules", "cjs-types"]
}
JSON

step "the README's files, from $readme"
node "$repo/scripts/readme-check.mjs" extract "$readme" .
ls test/*.test.ts >/dev/null 2>&1 || { echo "check-packed: the README has no <!-- readme-check: file test/….test.ts --> block" >&2; exit 1; }
# A CommonJS project for the CommonJS Jest blocks (npm init's package.json: no "type").
if [ -d jest-cjs ]; then echo '{ "name": "jest-cjs", "private": true }' > jest-cjs/package.json; fi

step "installing the tarball, ${NODE20_SET[*]}, typescript on Node $(node -v)"
npm_q install --save-dev "$work/$tarball" "${NODE20_SET[@]}" "typescript@~5.9" "@types/node@^20"
versions() { node -e 'for (const p of process.argv.slice(1)) { try { process.stdout.write(`  ${p} ${require(`${p}/package.json`).version}`) } catch {} } console.log()' vitest msw jest; }
versions
step "type-checking the README's TypeScript"
npx tsc -p .
step "type-checking a CommonJS TypeScript file against the require condition's types (module node16)"
mkdir cjs-types
echo '{ "name": "cjs-types", "private": true }' > cjs-types/package.json
cat > cjs-types/tsconfig.json <<'JSON'
{ "compilerOptions": { "module": "node16", "target": "ES2022", "strict": true, "noEmit": true, "skipLibCheck": true,
  "types": ["node"], "typeRoots": ["../node_modules/@types"] }, "include": ["*.ts"] }
JSON
cat > cjs-types/index.ts <<'TS'
import { createEmulator, type Emulator } from 'token-api-emulator';
import { toMswHandlers } from 'token-api-emulator/msw';
import { createGlobalSetup } from 'token-api-emulator/vitest/global-setup';
const emulator: Emulator = createEmulator();
emulator.rackspace.agentTokens.create({ tenantId: '123456', label: 'typed' }); // the vendors' typed APIs
toMswHandlers(emulator);
createGlobalSetup({ port: 0 });
// @ts-expect-error: the options are typed
createEmulator({ notAnOption: true });
TS
npx tsc -p cjs-types
step "vitest on Node $(node -v)"
npx vitest run test/
jest_js=$PWD/node_modules/jest/bin/jest.js
if [ -d jest-cjs ]; then step "CommonJS Jest (Jest's defaults) on Node $(node -v)"; (cd jest-cjs && node "$jest_js"); fi
if [ -d jest-esm ]; then step "ES module Jest on Node $(node -v)"; (cd jest-esm && node --experimental-vm-modules "$jest_js"); fi

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
step "installing ${NODE24_SET[*]} on Node $(node -v)"
npm_q install --save-dev "${NODE24_SET[@]}"
versions
step "vitest on Node $(node -v)"
npx vitest run test/
step "the README's shell blocks and scripts on Node $(node -v)"
node "$repo/scripts/readme-check.mjs" run "$readme" .

step "the registry's newest majors"
stale=()
for tested in "${NEWEST[@]}"; do
  name=${tested%@*}
  latest=$(npm view "$name" version)
  if [ "${latest%%.*}" != "${tested#*@}" ]; then stale+=("$name $latest is out; this check tests $tested: add its major to package.json's peerDependencies (vitest, msw) and to scripts/check-packed.sh, and test it"); fi
  echo "  $name: newest $latest, tested ${tested#*@}"
done
if [ ${#stale[@]} -gt 0 ]; then printf 'check-packed: %s\n' "${stale[@]}" >&2; exit 1; fi
step "passed: vitest 4 + msw 2 + jest 30 on Node 20, vitest 5 + msw 3 on Node 24, the README as printed"
