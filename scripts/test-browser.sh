#!/usr/bin/env bash
# The browser suite. A new project with examples/browser's files installs the packed tarball and msw from the npm
# registry, builds the page with plain esbuild (`--platform=browser`, no other option) and msw's own
# `msw init`, then test/browser/ drives it in Chromium (/usr/bin/chromium, or $CHROMIUM) through MSW's service
# worker. The esbuild step fails on any `node:` import, and the suite checks the bundle for one too.
# KEEP=1 keeps the temp dir (serve its example/public/ to try the page by hand).
set -euo pipefail
cd "$(dirname "$0")/.."
repo=$PWD
work=$(mktemp -d "${TMPDIR:-/tmp}/token-api-emulator-browser.XXXXXX")
if [ "${KEEP:-}" = 1 ]; then echo "test-browser: keeping $work"; else trap 'rm -rf "$work"' EXIT; fi
npm_q() { npm --no-audit --no-fund --prefer-offline --loglevel=error "$@"; }
step() { echo "test-browser: $*"; }

chromium=${CHROMIUM:-/usr/bin/chromium}
[ -x "$chromium" ] || { echo "test-browser: no Chromium at $chromium (Debian package chromium)" >&2; exit 1; }

step "packing (npm pack runs the build)"
tarball=$(npm pack --silent --pack-destination "$work" 2>/dev/null | tail -n 1)
[ -f "$work/$tarball" ] || { echo "test-browser: npm pack produced no tarball" >&2; exit 1; }

step "a new project from examples/browser: installing the tarball, msw, spark-md5 and esbuild"
mkdir "$work/example"
cp -r examples/browser/package.json examples/browser/src examples/browser/public "$work/example/"
rm -f "$work/example/public/app.js" "$work/example/public/mockServiceWorker.js"
cd "$work/example"
npm_q install "$work/$tarball"
node -e "console.log('  msw', require('msw/package.json').version, '· esbuild', require('esbuild/package.json').version)"

step "npm run build: msw init + esbuild --bundle --platform=browser"
npm run --silent build

cd "$repo"
step "Chromium $("$chromium" --version 2>/dev/null | awk '{print $2}') through the service worker"
BROWSER_EXAMPLE_DIR="$work/example/public" CHROMIUM="$chromium" timeout 300 npx vitest run --config test/browser/vitest.config.ts
