#!/usr/bin/env bash
# Builds Cotenant's container image without a registry: a Debian base made here from Debian's
# packages, then deploy/image/Dockerfile on it with the self-contained distribution.
set -euo pipefail
here="$(cd "$(dirname "${BASH_SOURCE[0]}")" && pwd)"
root="$(cd "$here/../.." && pwd)"

usage() {
  cat <<'EOF'
Usage: deploy/image/build.sh [--dist FILE] [-o DIR] [--mirror URL] [--rebuild-base] [--test]
Builds the OCI image localhost/cotenant:VERSION (also tagged latest) with podman, pulling nothing:
  1. a Debian bookworm base made with debootstrap --variant=minbase (documentation, manuals,
     translations and apt's package lists removed), imported into local storage under the name
     the Dockerfile starts FROM, debian:bookworm-slim; made once, reused after;
  2. the distribution: ./cotenant dist, or --dist FILE;
  3. podman build -f deploy/image/Dockerfile, then podman save to DIR/cotenant-VERSION-image.oci.tar.
The image runs `cotenant serve --repo /models --host 0.0.0.0` as user 10001, REST (and /metrics)
on 8000, gRPC on 8001; mount the model repository on /models.
  --dist FILE     use this cotenant-VERSION-linux-x64.tar.gz instead of running ./cotenant dist
  -o, --output    where the tarball and the image archive go (default: out/image)
  --mirror URL    the Debian mirror for debootstrap (default: debootstrap's own)
  --rebuild-base  make the Debian base again even if local storage has one
  --test          then start the image and call health, infer and metrics, and stop it with
                  SIGTERM; where podman cannot run containers, say so and check the image's
                  configuration and files instead
Needs root (for debootstrap), debootstrap, podman and tar; --test also curl.
EOF
}

dist=""
out="$root/out/image"
mirror=""
rebuild=0
test=0
while [ $# -gt 0 ]; do
  case "$1" in
    --dist|-o|--output|--mirror)
      if [ $# -lt 2 ] || [ -z "$2" ]; then
        echo "image: $1 needs a value (see --help)" >&2; exit 1
      fi
      case "$1" in
        --dist) dist="$2" ;;
        --mirror) mirror="$2" ;;
        *) out="$2" ;;
      esac
      shift 2 ;;
    --rebuild-base) rebuild=1; shift ;;
    --test) test=1; shift ;;
    -h|--help) usage; exit 0 ;;
    *) echo "image: unknown argument '$1' (see --help)" >&2; exit 1 ;;
  esac
done

need() {
  if ! command -v "$1" >/dev/null 2>&1; then
    echo "image: needs $1 on PATH (Debian: apt-get install $2)" >&2
    exit 1
  fi
}
need podman podman
need tar tar
if [ "$test" = 1 ]; then need curl curl; fi
mkdir -p "$out"
out="$(cd "$out" && pwd)"
start=$SECONDS
say() { echo "image: $* ($((SECONDS - start)) s)" >&2; }
base=localhost/debian:bookworm-slim

make_base() {
  need debootstrap debootstrap
  if [ "$(id -u)" != 0 ]; then
    echo "image: debootstrap needs root to make the Debian base; run as root (sudo), or once as root to leave the base in local storage" >&2
    exit 1
  fi
  local rootfs
  rootfs="$(mktemp -d "${TMPDIR:-/var/tmp}/cotenant-rootfs.XXXXXX")"
  say "making the Debian base with debootstrap (bookworm, minbase; about a minute; log: $out/debootstrap.log)"
  # The mirror, when given, goes to debootstrap as is; without it debootstrap uses its default.
  if ! debootstrap --variant=minbase bookworm "$rootfs" ${mirror:+"$mirror"} >"$out/debootstrap.log" 2>&1; then
    rm -rf "$rootfs"
    echo "image: debootstrap failed; see $out/debootstrap.log" >&2
    exit 1
  fi
  # What a server image never reads: apt's downloaded packages and lists (apt-get update brings
  # them back), manuals, info pages, message translations, and documentation other than the
  # copyright files. 206 MB -> 82 MB.
  rm -rf "$rootfs"/var/cache/apt/archives/*.deb "$rootfs"/var/cache/apt/*.bin "$rootfs"/var/lib/apt/lists/* \
    "$rootfs"/usr/share/man/* "$rootfs"/usr/share/info/* "$rootfs"/usr/share/locale/*
  find "$rootfs/usr/share/doc" -mindepth 1 -not -type d -not -name copyright -delete
  find "$rootfs/usr/share/doc" -mindepth 1 -type d -empty -delete
  say "importing it as $base"
  tar -C "$rootfs" --numeric-owner -cf - . | podman import --quiet --change 'CMD ["/bin/bash"]' - "$base" >/dev/null
  rm -rf "$rootfs"
}

if [ "$rebuild" = 1 ] || ! podman image exists "$base"; then
  make_base
else
  say "using the Debian base already in local storage, $base (--rebuild-base makes it again)"
fi

if [ -z "$dist" ]; then
  say "building the distribution (./cotenant dist)"
  dist="$("$root/cotenant" dist -o "$out")"
fi
if [ ! -f "$dist" ]; then
  echo "image: no distribution at $dist" >&2
  exit 1
fi
file="${dist##*/}"
if [[ ! "$file" =~ ^cotenant-(.+)-linux-x64\.tar\.gz$ ]]; then
  echo "image: $dist is not named cotenant-VERSION-linux-x64.tar.gz" >&2
  exit 1
fi
version="${BASH_REMATCH[1]}"
revision="$(tar -xzOf "$dist" "cotenant-$version-linux-x64/CONTENTS" | sed -n '1s/.*, commit \([^,]*\),.*/\1/p')"
image="localhost/cotenant:$version"

context="$(mktemp -d "${TMPDIR:-/var/tmp}/cotenant-image.XXXXXX")"
trap 'rm -rf "$context"' EXIT
cp "$dist" "$context/"
say "building $image from $base and $file (podman build)"
# Chroot isolation for the Dockerfile's one RUN (adding the user): it needs no OCI runtime, so
# the image builds where containers cannot start (cgroups in hybrid mode, no CAP_SYS_RESOURCE).
# --pull=never: the base is the one made here, found under the name the Dockerfile asks for.
podman build --isolation chroot --pull=never -f "$here/Dockerfile" --build-arg "VERSION=$version" \
  --build-arg "REVISION=${revision:-unknown}" -t "$image" -t localhost/cotenant:latest "$context" >"$out/build.log" 2>&1 || {
  echo "image: podman build failed; see $out/build.log" >&2; exit 1; }
archive="$out/cotenant-$version-image.oci.tar"
rm -f "$archive"
podman save --quiet --format oci-archive -o "$archive" "$image" >/dev/null
say "built $image: $(podman image inspect --format '{{.Size}}' "$image" | awk '{ printf "%.0f MB", $1 / 1e6 }') in local storage, base $(podman image inspect --format '{{.Size}}' "$base" | awk '{ printf "%.0f MB", $1 / 1e6 }'); $archive ($(du -m "$archive" | cut -f1) MB)"

if [ "$test" = 1 ]; then
  bash "$here/test.sh" "$image"
fi
