#!/usr/bin/env bash
# Dev/CI Neo4j 5.26 Community from Maven Central jars (no Docker).
# Usage: tools/neo4j/neo4j.sh start|stop|status|kill|restart
# Env: NEO4J_HOME_DIR (default tools/neo4j/data), NEO4J_BOLT_PORT (7687),
#      NEO4J_PASSWORD (referral-graph-dev), NEO4J_PAGECACHE (512m), NEO4J_HEAP (1g),
#      JAVA_HOME (else `java` on PATH), PYTHON (python3; used for the readiness check).
set -euo pipefail

DIR="$(cd "$(dirname "${BASH_SOURCE[0]}")" && pwd)"
HOME_DIR="${NEO4J_HOME_DIR:-$DIR/data}"
PORT="${NEO4J_BOLT_PORT:-7687}"
HEAP="${NEO4J_HEAP:-1g}"
export NEO4J_BOLT_PORT="$PORT"
export NEO4J_PASSWORD="${NEO4J_PASSWORD:-referral-graph-dev}"
export NEO4J_PAGECACHE="${NEO4J_PAGECACHE:-512m}"
PYTHON="${PYTHON:-python3}"
if [[ -n "${JAVA_HOME:-}" ]]; then JAVA="$JAVA_HOME/bin/java"; else JAVA=java; fi
START_TIMEOUT=120
STOP_TIMEOUT=60

mkdir -p "$HOME_DIR"
HOME_DIR="$(cd "$HOME_DIR" && pwd)"
PID_FILE="$HOME_DIR/neo4j.pid"
LOG_FILE="$HOME_DIR/neo4j.log"

log() { echo "neo4j.sh: $*" >&2; }

# Size like 512m / 1g / 2048k -> MiB (for -Xms <= -Xmx).
to_mib() {
  local v="${1,,}"
  case "$v" in
    *g) echo $(( ${v%g} * 1024 )) ;;
    *m) echo "${v%m}" ;;
    *k) echo $(( ${v%k} / 1024 )) ;;
    *)  echo $(( v / 1048576 )) ;;
  esac
}

fetch_jars() {
  local want have=""
  want="$(sha256sum "$DIR/pom.xml" | cut -d' ' -f1)"
  [[ -f "$DIR/lib/.complete" ]] && have="$(cat "$DIR/lib/.complete")"
  [[ "$want" == "$have" ]] && return 0
  log "fetching Neo4j jars into $DIR/lib (first time: ~120 MB) ..."
  rm -rf "$DIR/lib"
  local out
  if ! out="$(cd "$DIR" && mvn -B -q dependency:copy-dependencies \
      -DoutputDirectory=lib -DincludeScope=runtime 2>&1)"; then
    echo "$out" >&2; log "jar fetch failed"; return 1
  fi
  echo "$want" > "$DIR/lib/.complete"
}

# Prints the pid if our launcher is running (pid file + live process running Launcher).
running_pid() {
  [[ -f "$PID_FILE" ]] || return 1
  local pid
  pid="$(cat "$PID_FILE" 2>/dev/null || true)"
  [[ "$pid" =~ ^[0-9]+$ ]] || return 1
  kill -0 "$pid" 2>/dev/null || return 1
  ps -p "$pid" -o args= 2>/dev/null | grep -q 'Launcher' || return 1
  echo "$pid"
}

# 0 = Bolt answers (authenticated when the Python driver is available), 2 = password rejected, 1 = no.
bolt_check() {
  if "$PYTHON" -c 'import neo4j' >/dev/null 2>&1; then
    "$PYTHON" - "$PORT" <<'PY' >/dev/null 2>&1 && return 0 || return $?
import os, sys
from neo4j import GraphDatabase
from neo4j.exceptions import AuthError
try:
    with GraphDatabase.driver(f"bolt://127.0.0.1:{sys.argv[1]}",
                              auth=("neo4j", os.environ["NEO4J_PASSWORD"]),
                              connection_timeout=3) as d:
        d.verify_connectivity()
except AuthError:
    sys.exit(2)
except Exception:
    sys.exit(1)
PY
  else
    timeout 3 bash -c "exec 3<>/dev/tcp/127.0.0.1/$PORT" 2>/dev/null || return 1
  fi
}

# Ready = launcher printed its ready line and Bolt answers.
ready() {
  grep -q '^NEO4J READY' "$LOG_FILE" 2>/dev/null || return 1
  bolt_check
}

cmd_start() {
  local pid rc
  if pid="$(running_pid)"; then
    rc=0; ready || rc=$?
    if [[ $rc -eq 0 ]]; then
      log "already running (pid $pid) and answering on bolt://127.0.0.1:$PORT"; return 0
    fi
    if [[ $rc -eq 2 ]]; then
      log "running (pid $pid) but NEO4J_PASSWORD was rejected"; return 1
    fi
    log "running (pid $pid) but not answering yet; waiting"
  else
    rm -f "$PID_FILE"
    fetch_jars
    local xmx xms=512
    xmx="$(to_mib "$HEAP")"
    (( xmx < xms )) && xms="$xmx"
    [[ -f "$LOG_FILE" ]] && mv -f "$LOG_FILE" "$LOG_FILE.1"
    cd "$DIR"
    nohup "$JAVA" \
      --add-opens=java.base/java.nio=ALL-UNNAMED \
      --add-opens=java.base/java.io=ALL-UNNAMED \
      --add-opens=java.base/sun.nio.ch=ALL-UNNAMED \
      -Dio.netty.tryReflectionSetAccessible=true \
      -Xms"${xms}m" -Xmx"${xmx}m" -XX:+ExitOnOutOfMemoryError \
      -cp "$DIR/lib/*" "$DIR/Launcher.java" "$HOME_DIR" "$PORT" \
      </dev/null >"$LOG_FILE" 2>&1 &
    pid=$!
    echo "$pid" > "$PID_FILE"
    log "started pid $pid (home $HOME_DIR, log $LOG_FILE); waiting for bolt://127.0.0.1:$PORT"
  fi

  local deadline=$(( SECONDS + START_TIMEOUT ))
  while (( SECONDS < deadline )); do
    if ! kill -0 "$pid" 2>/dev/null; then
      log "Neo4j process $pid exited during start; log tail:"
      tail -n 40 "$LOG_FILE" >&2 || true
      rm -f "$PID_FILE"
      return 1
    fi
    rc=0; ready || rc=$?
    if [[ $rc -eq 0 ]]; then
      log "ready: bolt://127.0.0.1:$PORT (pid $pid)"; return 0
    fi
    if [[ $rc -eq 2 ]]; then
      log "Bolt answers but NEO4J_PASSWORD was rejected"; return 1
    fi
    sleep 1
  done
  log "not ready after ${START_TIMEOUT}s; log tail:"
  tail -n 40 "$LOG_FILE" >&2 || true
  return 1
}

wait_gone() { # pid seconds
  local deadline=$(( SECONDS + $2 ))
  while kill -0 "$1" 2>/dev/null; do
    (( SECONDS >= deadline )) && return 1
    sleep 0.5
  done
}

cmd_stop() {
  local pid
  if ! pid="$(running_pid)"; then
    log "not running"; rm -f "$PID_FILE"; return 0
  fi
  kill -TERM "$pid" 2>/dev/null || true
  if ! wait_gone "$pid" "$STOP_TIMEOUT"; then
    log "pid $pid did not stop within ${STOP_TIMEOUT}s; sending SIGKILL"
    kill -KILL "$pid" 2>/dev/null || true
    wait_gone "$pid" 10 || true
  fi
  rm -f "$PID_FILE"
  log "stopped (pid $pid)"
}

cmd_kill() {
  local pid
  if ! pid="$(running_pid)"; then
    log "not running"; rm -f "$PID_FILE"; return 0
  fi
  kill -KILL "$pid" 2>/dev/null || true
  wait_gone "$pid" 10 || true
  rm -f "$PID_FILE"
  log "killed (SIGKILL) pid $pid"
}

cmd_status() {
  local pid rc
  if ! pid="$(running_pid)"; then
    echo "stopped"; return 3
  fi
  rc=0; ready || rc=$?
  case $rc in
    0) echo "running (pid $pid), answering on bolt://127.0.0.1:$PORT"; return 0 ;;
    2) echo "running (pid $pid), Bolt answers but NEO4J_PASSWORD is rejected"; return 1 ;;
    *) echo "running (pid $pid), not answering on bolt://127.0.0.1:$PORT"; return 1 ;;
  esac
}

case "${1:-}" in
  start)   cmd_start ;;
  stop)    cmd_stop ;;
  status)  cmd_status ;;
  kill)    cmd_kill ;;
  restart) cmd_stop; cmd_start ;;
  *) echo "usage: $0 start|stop|status|kill|restart" >&2; exit 2 ;;
esac
