#!/usr/bin/env bash
# Assembles a minimal Node base image from this machine's own node binary (no image registry needed): the binary,
# the shared libraries it links (ldd), and /etc/passwd with the `node` user (uid 1000) that the official Node images
# have. No shell: the Containerfile uses exec-form instructions only. Prints the image name.
# Usage: podman build --build-arg NODE_IMAGE="$(bash scripts/container-base.sh)" .   (NODE=… picks another binary)
set -euo pipefail
node_bin=$(command -v "${NODE:-node}")
image=${IMAGE:-localhost/token-api-emulator-node-base:$("$node_bin" -v)}
root=$(mktemp -d "${TMPDIR:-/tmp}/token-api-emulator-base.XXXXXX")
trap 'rm -rf "$root"' EXIT
mkdir -p "$root"/{usr/local/bin,etc,tmp,home/node}
chmod 1777 "$root/tmp"
cp "$node_bin" "$root/usr/local/bin/node"
for lib in $(ldd "$node_bin" | grep -o '/[^ ]*'); do
  mkdir -p "$root$(dirname "$lib")"
  cp -L "$lib" "$root$lib"
done
printf 'root:x:0:0:root:/root:/sbin/nologin\nnode:x:1000:1000::/home/node:/sbin/nologin\n' > "$root/etc/passwd"
printf 'root:x:0:\nnode:x:1000:\n' > "$root/etc/group"
chown 1000:1000 "$root/home/node"
if ! out=$(tar -C "$root" -c . | podman import --change 'ENV PATH=/usr/local/bin:/usr/bin:/bin' - "$image" 2>&1); then
  echo "$out" >&2
  exit 1
fi
echo "$image"
