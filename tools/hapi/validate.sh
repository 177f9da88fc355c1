#!/usr/bin/env bash
# The HAPI FHIR R4 instance validator (7.6.1, Maven Central jars, offline).
# Usage: tools/hapi/validate.sh [--definitions DIR] FILE...   (see Validator.java)
#        tools/hapi/validate.sh --fetch    (only fetch the jars into tools/hapi/lib)
# Env: JAVA_HOME (else `java` on PATH), HAPI_HEAP (default 768m).
set -euo pipefail

DIR="$(cd "$(dirname "${BASH_SOURCE[0]}")" && pwd)"
if [[ -n "${JAVA_HOME:-}" ]]; then JAVA="$JAVA_HOME/bin/java"; else JAVA=java; fi

log() { echo "hapi/validate.sh: $*" >&2; }

fetch_jars() {
  local want have=""
  want="$(sha256sum "$DIR/pom.xml" | cut -d' ' -f1)"
  [[ -f "$DIR/lib/.complete" ]] && have="$(cat "$DIR/lib/.complete")"
  [[ "$want" == "$have" ]] && return 0
  log "fetching HAPI FHIR jars into $DIR/lib (first time: ~130 MB) ..."
  rm -rf "$DIR/lib"
  local out
  if ! out="$(cd "$DIR" && mvn -B -q dependency:copy-dependencies \
      -DoutputDirectory=lib -DincludeScope=runtime 2>&1)"; then
    echo "$out" >&2; log "jar fetch failed"; return 1
  fi
  echo "$want" > "$DIR/lib/.complete"
}

fetch_jars
[[ "${1:-}" == "--fetch" ]] && exit 0
exec "$JAVA" -Xmx"${HAPI_HEAP:-768m}" -XX:+UseSerialGC -XX:TieredStopAtLevel=1 \
  -Dorg.slf4j.simpleLogger.defaultLogLevel=warn \
  -cp "$DIR/lib/*" "$DIR/Validator.java" "$@"
