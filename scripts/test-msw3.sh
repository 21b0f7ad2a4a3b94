#!/usr/bin/env bash
# The MSW suites again with msw 3 (the `msw3` npm alias; vitest.config.ts maps `msw` to it when MSW_MAJOR=3) on
# Node 24 from the npm registry (msw 3 needs Node >= 22.12): both front doors' contract suites, the MSW front door's
# own tests, the Vitest helpers and the example app. test/msw-version.test.ts fails if msw 2 were loaded instead.
# Extra arguments go to vitest (e.g. a file filter). Needs dist/ (npm run build) for the helpers' nested run.
set -euo pipefail
cd "$(dirname "$0")/.."
node24="$(bash scripts/node24.sh)"
export PATH="$node24:$PATH"
export MSW_MAJOR=3
echo "msw 3 on Node $(node -v)"
if [ "$#" -gt 0 ]; then
  exec node node_modules/vitest/vitest.mjs run "$@"
fi
exec node node_modules/vitest/vitest.mjs run test/msw-version.test.ts test/msw.test.ts .contract.test.ts test/vitest-helpers.test.ts examples/app/
