#!/usr/bin/env bash
# Run a command (the test suite) with PostgreSQL and Redis.
#
#   scripts/test-services.sh COMMAND [ARG...]
#
# DATABASE_URL / REDIS_URL already set (CI's .ci/run sets both): use them, start nothing.
# Otherwise install what is missing from Debian's packages (postgresql, redis-server) and
# start a private, throwaway server for each unset variable: its own data folder (a
# mktemp folder), its own free port on 127.0.0.1 (never 5432/6379), tuned for tests
# (no fsync). They are stopped and their folder removed when the command ends, whether
# it passed, failed or was interrupted. The command's exit code is this script's.
set -euo pipefail

need_pg=0
need_redis=0
[ -n "${DATABASE_URL:-}" ] || need_pg=1
[ -n "${REDIS_URL:-}" ] || need_redis=1
if [ "$need_pg" = 0 ] && [ "$need_redis" = 0 ]; then
  exec "$@"
fi

say() { echo "test-services: $*" >&2; }

# --- install -------------------------------------------------------------------------
pg_bin() { ls -d /usr/lib/postgresql/*/bin 2>/dev/null | sort -V | tail -n 1; }

missing=()
if [ "$need_pg" = 1 ] && { [ -z "$(pg_bin)" ] || [ ! -x "$(pg_bin)/initdb" ]; }; then
  missing+=(postgresql)
fi
if [ "$need_redis" = 1 ] && ! command -v redis-server >/dev/null 2>&1; then
  missing+=(redis-server)
fi
if [ "${#missing[@]}" -gt 0 ]; then
  say "installing ${missing[*]} (apt-get)"
  SUDO=$([ "$(id -u)" = 0 ] || echo sudo)
  $SUDO apt-get update -qq
  $SUDO env DEBIAN_FRONTEND=noninteractive apt-get install -y -qq "${missing[@]}" >/dev/null
fi

free_port() {
  python3 -c 'import socket; s = socket.socket(); s.bind(("127.0.0.1", 0)); print(s.getsockname()[1])'
}

wait_for() { # wait_for SECONDS DESCRIPTION COMMAND...
  local seconds=$1 what=$2
  shift 2
  for _ in $(seq $((seconds * 10))); do
    if "$@" >/dev/null 2>&1; then return 0; fi
    sleep 0.1
  done
  say "$what did not start"
  return 1
}

redis_answers() { [ "$(redis-cli -h 127.0.0.1 -p "$1" ping 2>/dev/null)" = PONG ]; }

# --- the throwaway folder and its cleanup --------------------------------------------
# Under /tmp (not the work tree): the postgres user must be able to reach it, and a
# clone under /root is closed to it.
RUN_DIR=$(mktemp -d /tmp/dvk-test-services.XXXXXX)
chmod 755 "$RUN_DIR"
PG_DATA="$RUN_DIR/pg"
REDIS_PID=""
PG_STARTED=0

as_pg_user() { # PostgreSQL refuses to run as root: run its tools as the postgres user.
  if [ "$(id -u)" = 0 ]; then
    runuser -u postgres -- "$@"
  else
    "$@"
  fi
}

cleanup() {
  local status=$?
  trap - EXIT INT TERM
  if [ "$PG_STARTED" = 1 ]; then
    as_pg_user "$(pg_bin)/pg_ctl" -D "$PG_DATA" -m immediate -w stop >/dev/null 2>&1 || true
  fi
  if [ -n "$REDIS_PID" ]; then
    kill "$REDIS_PID" 2>/dev/null || true
    wait "$REDIS_PID" 2>/dev/null || true
  fi
  rm -rf "$RUN_DIR"
  exit "$status"
}
trap cleanup EXIT
trap 'exit 130' INT
trap 'exit 143' TERM

# --- PostgreSQL ------------------------------------------------------------------------
if [ "$need_pg" = 1 ]; then
  BIN=$(pg_bin)
  PG_PORT=$(free_port)
  mkdir "$PG_DATA"
  if [ "$(id -u)" = 0 ]; then chown postgres: "$PG_DATA"; fi
  as_pg_user "$BIN/initdb" -D "$PG_DATA" -U postgres -A trust -E UTF8 --locale=C.UTF-8 \
    --no-sync >"$RUN_DIR/initdb.log" 2>&1 || { cat "$RUN_DIR/initdb.log" >&2; exit 1; }
  PG_STARTED=1
  as_pg_user "$BIN/pg_ctl" -D "$PG_DATA" -l "$PG_DATA/server.log" -w -t 60 start -o \
    "-c listen_addresses=127.0.0.1 -p $PG_PORT -k $PG_DATA -c max_connections=200 \
     -c fsync=off -c synchronous_commit=off -c full_page_writes=off" >/dev/null \
    || { cat "$PG_DATA/server.log" >&2; exit 1; }
  as_pg_user "$BIN/createdb" -h 127.0.0.1 -p "$PG_PORT" -U postgres dvk
  export DATABASE_URL="postgres://postgres@127.0.0.1:$PG_PORT/dvk"
  say "private PostgreSQL on 127.0.0.1:$PG_PORT (data in $PG_DATA)"
fi

# --- Redis -------------------------------------------------------------------------------
if [ "$need_redis" = 1 ]; then
  REDIS_PORT=$(free_port)
  mkdir "$RUN_DIR/redis"
  redis-server --bind 127.0.0.1 --port "$REDIS_PORT" --dir "$RUN_DIR/redis" --save "" \
    --appendonly no --daemonize no --logfile "$RUN_DIR/redis/server.log" &
  REDIS_PID=$!
  wait_for 30 Redis redis_answers "$REDIS_PORT" \
    || { cat "$RUN_DIR/redis/server.log" >&2; exit 1; }
  export REDIS_URL="redis://127.0.0.1:$REDIS_PORT/0"
  say "private Redis on 127.0.0.1:$REDIS_PORT"
fi

# Not exec: the trap must outlive the command to stop the servers. In the foreground,
# so that Ctrl-C reaches pytest (which then stops its workers) and then this cleanup; a
# signal sent to this script alone is acted on when the command has ended.
status=0
"$@" || status=$?
exit "$status"
