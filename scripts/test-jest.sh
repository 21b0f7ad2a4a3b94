#!/usr/bin/env bash
# The Jest examples on the Node on PATH (CI runs this on Node 20, then on Node 24):
# - examples/jest: ES module tests (`node --experimental-vm-modules`), a standalone emulator per run and MSW per file;
# - examples/jest-cjs: CommonJS tests with Jest's defaults, `require('token-api-emulator')` (the CommonJS build);
# - examples/jest-cjs/msw: MSW in CommonJS tests, which Jest can load only on Node >= 24.9 with
#   NODE_OPTIONS=--experimental-vm-modules (msw depends on an ES-module-only package); skipped, and said so, on older Node.
set -euo pipefail
cd "$(dirname "$0")/.."
jest=node_modules/jest/bin/jest.js
echo "jest examples on Node $(node -v)"
node --experimental-vm-modules "$jest" --config examples/jest/jest.config.js
node "$jest" --config examples/jest-cjs/jest.config.cjs --testPathIgnorePatterns '/msw/'
if node -e 'const [a, b] = process.versions.node.split(".").map(Number); process.exit(a > 24 || (a === 24 && b >= 9) ? 0 : 1)'; then
  NODE_OPTIONS=--experimental-vm-modules node "$jest" --config examples/jest-cjs/jest.config.cjs examples/jest-cjs/msw/
else
  echo "examples/jest-cjs/msw: not run on Node $(node -v) (MSW under CommonJS Jest needs Node >= 24.9)"
fi
