# Sourced by ./cotenant and ./test: finds a JDK 25 or newer and exports JAVA_HOME and PATH.
# Order: JAVA_HOME when it is 25+, then a JDK 25+ under /usr/lib/jvm, else a clear message.

java_major() {
  "$1/bin/java" -XshowSettings:properties -version 2>&1 \
    | sed -n 's/^ *java\.specification\.version = \([0-9]*\).*/\1/p' | head -n 1
}

find_jdk() {
  if [ -n "${JAVA_HOME:-}" ] && [ -x "$JAVA_HOME/bin/java" ]; then
    local v; v=$(java_major "$JAVA_HOME")
    if [ -n "$v" ] && [ "$v" -ge 25 ]; then echo "$JAVA_HOME"; return 0; fi
  fi
  local d v
  for d in /usr/lib/jvm/*; do
    [ -x "$d/bin/javac" ] || continue
    v=$(java_major "$d")
    if [ -n "$v" ] && [ "$v" -ge 25 ]; then echo "$d"; return 0; fi
  done
  return 1
}

if ! COTENANT_JDK=$(find_jdk); then
  echo "cotenant: needs a JDK 25 or newer; none found (JAVA_HOME=${JAVA_HOME:-unset}, nothing under /usr/lib/jvm)." >&2
  echo "cotenant: install one (for example Temurin 25) and set JAVA_HOME to it." >&2
  exit 1
fi
export JAVA_HOME="$COTENANT_JDK"
export PATH="$JAVA_HOME/bin:$PATH"
if ! command -v mvn >/dev/null 2>&1; then
  echo "cotenant: needs Apache Maven (3.8 or newer) on PATH to build; install it (Debian: apt-get install maven)." >&2
  exit 1
fi
