#!/usr/bin/env bash
# CI: builds the Containerfile with podman and checks the image from the host, as a user of the image would:
# health (the image's HEALTHCHECK), a Rackspace login and agent-token list, an Ops Manager request behind HTTP
# Digest (curl --digest), a Prefactor ping and token create, the control plane (401 without the admin token; a read
# and a write with the one the container printed), a mounted fixture file, a non-root process; then stops it.
# No image registry is reachable here, so the base is assembled from this machine's node (scripts/container-base.sh)
# and passed as NODE_IMAGE; the recipe's default stays the official Node image. podman's default runtime (crun) fails
# in this sandbox: runc, lowered ulimits and the host network work. Needs dist/ (npm ci / npm run build).
set -euo pipefail
cd "$(dirname "$0")/.."
say() { echo "container-check: $*"; }
[ -f dist/bin/cli.js ] || { echo "container-check: dist/bin/cli.js is missing: run npm ci or npm run build first" >&2; exit 1; }
run_opts=(--runtime runc --network=host --ulimit nofile=1024:1024 --ulimit nproc=1024:1024)
tag=localhost/token-api-emulator:ci
name=token-api-emulator-ci-$$
work=$(mktemp -d "${TMPDIR:-/tmp}/token-api-emulator-container.XXXXXX")
cleanup() {
  podman rm -f -t 2 "$name" >/dev/null 2>&1 || true
  podman rmi "$tag" >/dev/null 2>&1 || true
  rm -rf "$work"
}
trap cleanup EXIT

say "assembling the base image from $(command -v node) ($(node -v))"
base=$(bash scripts/container-base.sh)
say "building $tag FROM $base"
# --format docker: the OCI image format has no HEALTHCHECK.
podman build --runtime runc --format docker --build-arg NODE_IMAGE="$base" -t "$tag" -f Containerfile . >/dev/null
size=$(podman image inspect "$tag" --format '{{.Size}}')
base_size=$(podman image inspect "$base" --format '{{.Size}}')
say "image: $((size / 1024 / 1024)) MB, of which the base $((base_size / 1024 / 1024)) MB"

# A fixture file of our own, mounted read-only: alice is renamed, so her login proves the file was used.
node -e 'const f = require("./fixtures/default.json"); f.rackspace.users.find((u) => u.username === "alice").username = "container-alice"; process.stdout.write(JSON.stringify(f))' > "$work/fixtures.json"
chmod 644 "$work/fixtures.json"
port=$(node -e 'const s = require("net").createServer().listen(0, "127.0.0.1", () => { console.log(s.address().port); s.close(); })')
# (podman's stderr goes to a file: without systemd it complains that it cannot schedule the health timer, which
# does not matter here — the check runs the HEALTHCHECK itself with `podman healthcheck run`.)
podman run -d --name "$name" "${run_opts[@]}" \
  -e TOKEN_API_EMULATOR_PORT="$port" -e TOKEN_API_EMULATOR_FIXTURES=/fixtures/fixtures.json \
  -v "$work/fixtures.json:/fixtures/fixtures.json:ro" "$tag" >/dev/null 2>"$work/podman.err" || { cat "$work/podman.err" >&2; exit 1; }
E=http://127.0.0.1:$port

say "waiting for health on $E"
for _ in $(seq 1 100); do
  podman healthcheck run "$name" >/dev/null 2>&1 && break
  [ "$(podman inspect "$name" --format '{{.State.Running}}')" = true ] || { podman logs "$name"; echo "container-check: the container exited" >&2; exit 1; }
  sleep 0.2
done
podman healthcheck run "$name" >/dev/null || { podman logs "$name"; echo "container-check: never healthy" >&2; exit 1; }
logs=$(podman logs "$name")
echo "$logs" | sed 's/^/  | /'
admin=$(echo "$logs" | sed -n 's/.*admin token (generated.*): //p')
[ -n "$admin" ] || { echo "container-check: no generated admin token in the logs" >&2; exit 1; }

fail() { echo "container-check: $*" >&2; podman logs "$name" | tail -20 >&2; exit 1; }
expect() { [ "$2" = "$3" ] || fail "$1: expected $3, got $2"; }

uid=$(podman exec "$name" node -p 'process.getuid()')
expect "the process's uid" "$uid" 1000

expect "control plane without the admin token" "$(curl -s -o /dev/null -w '%{http_code}' "$E/__emulator/health")" 401
expect "control plane with the admin token" "$(curl -s -o /dev/null -w '%{http_code}' -H "Authorization: Bearer $admin" "$E/__emulator/health")" 200
# A write from the host: the token stands in for the Host/Origin guard (the host's name for the container may be any).
expect "control-plane write with the admin token" "$(curl -s -o /dev/null -w '%{http_code}' -X POST -H "Authorization: Bearer $admin" -H 'Host: emulator.example:4020' "$E/__emulator/reset")" 204

token=$(curl -sf "$E/v2.0/tokens" -H 'Content-Type: application/json' \
  -d '{"auth":{"RAX-KSKEY:apiKeyCredentials":{"username":"container-alice","apiKey":"0123456789abcdef0123456789abcdef"}}}' |
  node -pe 'JSON.parse(require("fs").readFileSync(0)).access.token.id') || fail "Rackspace login (mounted fixtures) failed"
expect "Rackspace agent-token list" "$(curl -s -o /dev/null -w '%{http_code}' -H "X-Auth-Token: $token" "$E/v1.0/123456/agent_tokens")" 200

keys=$(curl -sf --digest --user "readonly:a1b2c3d4-e5f6-4a7b-8c9d-0e1f2a3b4c5d" \
  "$E/api/public/v1.0/groups/5e2211c17a3e5a48f5497df1/agentapikeys") || fail "Ops Manager digest request failed"
node -e 'const k = JSON.parse(process.argv[1]); if (!Array.isArray(k) || !k.length) process.exit(1)' "$keys" || fail "Ops Manager list: $keys"
expect "Ops Manager without digest" "$(curl -s -o /dev/null -w '%{http_code}' "$E/api/public/v1.0/groups/5e2211c17a3e5a48f5497df1/agentapikeys")" 401

expect "Prefactor ping" "$(curl -s "$E/api/v1/ping" -H 'Authorization: Bearer pf_test_acme_account_active')" '{"status":"success","details":{"token_type":"api"}}'
# A create makes a PFID, from the one package the bundled CLI loads at run time (copied into the image).
created=$(curl -s -w '\n%{http_code}' "$E/api/v1/api_token" -H 'Authorization: Bearer pf_test_acme_account_active' \
  -H 'Content-Type: application/json' -d '{"details":{"token_scope":"account"}}')
expect "Prefactor token create" "$(echo "$created" | tail -n 1)" 200
node -e 'if (!/^[0-7][0-9a-z]{31}$/.test(JSON.parse(process.argv[1]).details.id)) process.exit(1)' "$(echo "$created" | head -n 1)" ||
  fail "Prefactor create: no PFID in $created"

say "stopping"
podman stop -t 10 "$name" >/dev/null 2>>"$work/podman.err"
expect "exit code after podman stop" "$(podman inspect "$name" --format '{{.State.ExitCode}}')" 0
say "passed: built, healthy, all three vendors and the control plane served to the host, non-root, stopped cleanly"
