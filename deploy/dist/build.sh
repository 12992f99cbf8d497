#!/usr/bin/env bash
# Packs the self-contained distribution, cotenant-VERSION-linux-x64.tar.gz: a Java runtime trimmed
# with jlink, the launcher bin/cotenant and the libraries serving and the command line need. Run as
# `./cotenant dist`; the distribution test (cli/src/test/java/dev/cotenant/cli/DistributionIT.java)
# runs it with --no-build on the jars Maven has just packaged.
set -euo pipefail
root="$(cd "$(dirname "${BASH_SOURCE[0]}")/../.." && pwd)"

usage() {
  cat <<'EOF'
Usage: ./cotenant dist [-o DIR] [--no-build]
Packs cotenant-VERSION-linux-x64.tar.gz into DIR: a Java runtime trimmed with jlink, the launcher
bin/cotenant and the libraries that serving and the command line need. It runs on a Linux x64
machine with no JDK and no Maven (bash and grep are all it asks of the system). ONNX Runtime and
JMH are left out, and with them bench against ONNX Runtime, bench --kernels and the onnxruntime
peer of corun and demo.
  -o, --output DIR  where the tarball goes (default: out/dist in the source tree)
  --no-build        use the jars already in cli/target (after mvn package) instead of building
  -h, --help        this text
EOF
}

out="$root/out/dist"
build=1
while [ $# -gt 0 ]; do
  case "$1" in
    -o|--output)
      if [ $# -lt 2 ] || [ -z "$2" ]; then
        echo "cotenant dist: $1 needs a folder" >&2; exit 1
      fi
      out="$2"; shift 2 ;;
    --no-build) build=0; shift ;;
    -h|--help) usage; exit 0 ;;
    *) echo "cotenant dist: unknown argument '$1' (see ./cotenant dist --help)" >&2; exit 1 ;;
  esac
done

. "$root/bin/find-jdk.sh"
for tool in jdeps jlink; do
  if [ ! -x "$JAVA_HOME/bin/$tool" ]; then
    echo "cotenant dist: needs $tool of a full JDK 25; $JAVA_HOME/bin/$tool is missing" >&2
    exit 1
  fi
done
mkdir -p "$out"
out="$(cd "$out" && pwd)"
start=$SECONDS
step() { echo "cotenant dist: [$1/5] $2 ($((SECONDS - start)) s)" >&2; }

target="$root/cli/target"
if [ "$build" = 1 ]; then
  step 1 "building the jars with Maven (mvn package; about a minute when much has changed; log: $out/build.log)"
  (cd "$root" && mvn -q -B -ntp -o -DskipTests package >"$out/build.log" 2>&1 \
     || mvn -q -B -ntp -DskipTests package >"$out/build.log" 2>&1) || {
    echo "cotenant dist: the build failed; see $out/build.log" >&2; exit 1; }
else
  step 1 "using the jars in $target (--no-build)"
fi
if [ ! -f "$target/cotenant.jar" ] || [ ! -d "$target/lib" ]; then
  echo "cotenant dist: $target/cotenant.jar or $target/lib is missing; build first (mvn -DskipTests package)" >&2
  exit 1
fi
version="$(sed -n 's/^version=//p' "$target/classes/dev/cotenant/cli/common/build.properties")"
if [ -z "$version" ]; then
  echo "cotenant dist: no version in $target/classes/dev/cotenant/cli/common/build.properties" >&2
  exit 1
fi
commit="$(git -C "$root" rev-parse --short HEAD 2>/dev/null || echo unknown)"
if [ "$commit" != unknown ] && ! git -C "$root" diff --quiet HEAD -- 2>/dev/null; then
  commit="$commit+changes"
fi
name="cotenant-$version-linux-x64"
stage="$(mktemp -d "$out/.staging.XXXXXX")"
trap 'rm -rf "$stage"' EXIT
home="$stage/$name"
mkdir -p "$home/bin" "$home/lib" "$home/share"

# Left out, each with what needs it: ONNX Runtime (133 MB of native libraries for several
# platforms; the peer of bench and of corun's and demo's onnxruntime policy), JMH and the two
# libraries only JMH brings (bench --kernels). Those commands say so in one line when run from the
# distribution (cli/common/Library.java). A name that matches no jar fails the build, so that this
# list follows the dependencies.
left_out=(onnxruntime jmh-core jopt-simple commons-math3)
jars=()
for jar in "$target"/lib/*.jar; do
  base="${jar##*/}"
  keep=1
  for prefix in "${left_out[@]}"; do
    if [[ "$base" == "$prefix"-[0-9]* ]]; then keep=0; fi
  done
  if [ "$keep" = 1 ]; then jars+=("$jar"); fi
done
for prefix in "${left_out[@]}"; do
  if ! compgen -G "$target/lib/$prefix-[0-9]*.jar" >/dev/null; then
    echo "cotenant dist: expected to leave out $prefix, but $target/lib has no $prefix-*.jar; update left_out in $0" >&2
    exit 1
  fi
done
cp "$target/cotenant.jar" "${jars[@]}" "$home/lib/"

step 2 "finding the Java modules the $((${#jars[@]} + 1)) jars use (jdeps)"
found="$("$JAVA_HOME/bin/jdeps" --ignore-missing-deps --multi-release 25 --print-module-deps "$home"/lib/*.jar \
  2> >(grep -v 'WARNING: Using incubator modules' >&2))"
# jdeps sees only what classes name. Also needed: the vector module the launcher adds (named here
# in case jdeps stops seeing it through the engine), the management modules behind the JVM and
# process metrics of /metrics, sun.misc.Unsafe (jdk.unsupported) for gRPC's Netty and protobuf,
# and the DNS provider that gRPC's name resolver looks up through JNDI by name. TLS and elliptic
# curves are in java.base (jdk.crypto.ec is an empty module since JDK 22).
modules="$(printf '%s\n' "$found" jdk.incubator.vector java.management jdk.management jdk.unsupported jdk.naming.dns \
  | tr , '\n' | sort -u | paste -sd, -)"

step 3 "linking a Java runtime with jlink: $modules"
# No --compress and no CDS archive: gzip packs the plain module image as small as jlink's zip
# does (33 MB either way), and the default CDS archive adds 15 MB to the tarball for no
# measurable start-up gain (0.5 s for --version either way).
# jlink prints the JVM's notice about incubating modules on standard output; only failures are shown.
if ! log="$("$JAVA_HOME/bin/jlink" --add-modules "$modules" --strip-debug --no-header-files --no-man-pages \
    --output "$home/runtime" 2>&1)"; then
  echo "$log" >&2
  echo "cotenant dist: jlink failed (it links from the JDK's jmods, or from a JDK 24+ runtime built to allow it)" >&2
  exit 1
fi

step 4 "adding the launcher and checking that it runs"
sed -e "s/@VERSION@/$version/" -e "s/@COMMIT@/$commit/" "$root/deploy/dist/cotenant" >"$home/bin/cotenant"
chmod 755 "$home/bin/cotenant"
cp "$root/bin/jvm-flags.sh" "$home/lib/"
if [ -f "$target/cotenant_completion" ]; then
  cp "$target/cotenant_completion" "$home/share/"
fi
if ! "$home/bin/cotenant" --version >/dev/null; then
  echo "cotenant dist: the assembled distribution does not start (bin/cotenant --version failed)" >&2
  exit 1
fi
{
  echo "cotenant $version, commit $commit, linux-x64, packed $(date -u +%Y-%m-%dT%H:%M:%SZ)"
  echo
  echo "runtime/ (jlink, $("$home/runtime/bin/java" -version 2>&1 | head -n 1)): $(du -sh "$home/runtime" | cut -f1)"
  echo "  modules: $modules"
  echo "lib/: $(du -sh "$home/lib" | cut -f1)"
  (cd "$home/lib" && ls -1 -- *.jar | sed 's/^/  /')
  echo "left out (bench against ONNX Runtime, bench --kernels and the onnxruntime peer of corun and demo need them):"
  for prefix in "${left_out[@]}"; do
    (cd "$target/lib" && ls -1 -- "$prefix"-[0-9]*.jar | sed 's/^/  /')
  done
} >"$home/CONTENTS"

step 5 "packing $name.tar.gz"
tar -C "$stage" --owner=0 --group=0 --numeric-owner --sort=name -czf "$out/$name.tar.gz.part" "$name"
mv "$out/$name.tar.gz.part" "$out/$name.tar.gz"
size="$(awk -v b="$(stat -c %s "$out/$name.tar.gz")" 'BEGIN { printf "%.1f", b / 1048576 }')"
echo "cotenant dist: $out/$name.tar.gz, $size MB (runtime $(du -sh "$home/runtime" | cut -f1), lib $(du -sh "$home/lib" | cut -f1) unpacked), in $((SECONDS - start)) s" >&2
echo "$out/$name.tar.gz"
