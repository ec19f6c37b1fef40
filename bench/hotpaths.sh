#!/usr/bin/env bash
# Benchmark of the hot paths: rating, filing, reading one application, listing one's own, over
# HTTP with real bearer tokens, beside the database's reference transaction measured by pgbench
# in the same run. See docs/benchmarks/hot-paths.md.
#
# Starts its own PostgreSQL 15 (Debian's binaries, in a temporary directory, on a free port) and
# the server jar against it, seeds users and completed applications, then for each path and
# concurrency: a warm-up, then a measured wrk run. Prints a table; keeps nothing unless
# BENCH_KEEP=1. Not a test: nothing here asserts on time.
#
# Settings (environment):
#   BENCH_DURATION     seconds of each measured run (25)
#   BENCH_WARMUP       seconds of the warm-up before each path (5)
#   BENCH_WARMUP_ALL   seconds each path runs once, untimed, before anything is measured (60)
#   BENCH_CONNECTIONS  concurrencies, for wrk connections and pgbench clients ("16 64")
#   BENCH_THREADS      wrk and pgbench threads (2)
#   BENCH_PATHS        paths to drive, of: rate link create get list ("rate create get list"); link
#                      rates by rating link (no account), beside rate in the same run
#   BENCH_USERS        citizens with tokens (2000)
#   BENCH_APPS         completed applications seeded (240000); rating takes a fresh one per request
#   BENCH_OFFICERS     officers per department who worked them (20)
#   BENCH_DIRECTORY    1: those officers are in the officer directory too, so a poor rating's case
#                      notifies each of them, as in production (0: only the demo officers are)
#   BENCH_PROFILE      1: after the measured runs, run rating and get once more at the highest
#                      concurrency with JFR recording, and print where the server's samples go (0)
#   BENCH_JAVA_OPTS    extra JVM options for the server
#   BENCH_ENV          extra environment for the server, e.g. "DB_POOL_SIZE=16"
#   BENCH_JAR          the server jar to run (server/target/zhangban-server.jar, built first)
#   BENCH_SKIP_BUILD   1: use the jar as built (0)
#   BENCH_KEEP         1: keep the temporary directory (logs, JFR files, pgbench logs) (0)
set -euo pipefail

ROOT=$(cd "$(dirname "$0")/.." && pwd)
BENCH=$ROOT/bench
DURATION=${BENCH_DURATION:-25}
WARMUP=${BENCH_WARMUP:-5}
WARMUP_ALL=${BENCH_WARMUP_ALL:-60}
CONNECTIONS=${BENCH_CONNECTIONS:-"16 64"}
THREADS=${BENCH_THREADS:-2}
PATHS=${BENCH_PATHS:-"rate create get list"}
USERS=${BENCH_USERS:-2000}
APPS=${BENCH_APPS:-240000}
OFFICERS=${BENCH_OFFICERS:-20}
DIRECTORY=${BENCH_DIRECTORY:-0}
PROFILE=${BENCH_PROFILE:-0}
PG_BIN=/usr/lib/postgresql/15/bin
JAR=${BENCH_JAR:-$ROOT/server/target/zhangban-server.jar}

log() { printf '%s %s\n' "$(date +%H:%M:%S)" "$*" >&2; }
die() { log "error: $*"; exit 1; }

# ---- what it needs -------------------------------------------------------------------------------

as_root() { if [ "$(id -u)" = 0 ]; then "$@"; else sudo "$@"; fi; }

apt_install() {
  log "installing $*"
  as_root apt-get install -y -q "$@" >/dev/null 2>&1 || {
    as_root apt-get update -q >/dev/null && as_root apt-get install -y -q "$@" >/dev/null
  }
}

command -v wrk >/dev/null || apt_install wrk
[ -x "$PG_BIN/initdb" ] && [ -x "$PG_BIN/pgbench" ] || apt_install postgresql-15 postgresql-client-15
command -v curl >/dev/null || apt_install curl
command -v java >/dev/null || die "a JDK 17+ is needed"

if [ -z "${BENCH_JAR:-}" ] && { [ "${BENCH_SKIP_BUILD:-0}" != 1 ] || [ ! -f "$JAR" ]; }; then
  log "building the server jar"
  (cd "$ROOT" && mvn -q -B -o -DskipTests package -pl server -am)
fi

# ---- a PostgreSQL and a server of our own --------------------------------------------------------

WORK=$(mktemp -d /tmp/zb-hotpaths.XXXXXX)
chmod 755 "$WORK"
SERVER_PID=
PG_STARTED=

free_port() {
  local p
  while :; do
    p=$((20000 + RANDOM % 40000))
    if ! (exec 3<>"/dev/tcp/127.0.0.1/$p") 2>/dev/null; then
      echo "$p"
      return
    fi
  done
}

# PostgreSQL refuses to run as root: then it runs as the postgres user Debian's package creates.
as_pg() { if [ "$(id -u)" = 0 ]; then runuser -u postgres -- "$@"; else "$@"; fi; }

cleanup() {
  set +e
  if [ -n "$SERVER_PID" ] && kill -0 "$SERVER_PID" 2>/dev/null; then
    kill "$SERVER_PID"
    for _ in $(seq 1 60); do kill -0 "$SERVER_PID" 2>/dev/null || break; sleep 0.5; done
    kill -0 "$SERVER_PID" 2>/dev/null && kill -9 "$SERVER_PID"
  fi
  [ -n "$PG_STARTED" ] && as_pg "$PG_BIN/pg_ctl" -D "$WORK/pg" -m fast -w stop >/dev/null 2>&1
  if [ "${BENCH_KEEP:-0}" = 1 ]; then
    log "kept $WORK"
  else
    rm -rf "$WORK"
  fi
}
trap cleanup EXIT
trap 'exit 130' INT TERM

PG_PORT=$(free_port)
HTTP_PORT=$(free_port)
while [ "$HTTP_PORT" = "$PG_PORT" ]; do HTTP_PORT=$(free_port); done

mkdir -p "$WORK/pg" "$WORK/sock"
chown postgres "$WORK/pg" "$WORK/sock" 2>/dev/null || true
as_pg "$PG_BIN/initdb" -D "$WORK/pg" -U zhangban --auth=trust -E UTF8 --no-locale >/dev/null
# Durable as in production (fsync, synchronous_commit); checkpoints spaced out so that none falls
# into one measured run and not another; pg_stat_statements to count statements per request.
cat >>"$WORK/pg/postgresql.conf" <<EOF
port = $PG_PORT
listen_addresses = '127.0.0.1'
unix_socket_directories = '$WORK/sock'
max_connections = 200
shared_buffers = 512MB
max_wal_size = 8GB
checkpoint_timeout = 30min
shared_preload_libraries = 'pg_stat_statements'
pg_stat_statements.track_planning = on
EOF
as_pg "$PG_BIN/pg_ctl" -D "$WORK/pg" -l "$WORK/pg/server.log" -w start >/dev/null
PG_STARTED=1
PSQL=(psql -X -q -h 127.0.0.1 -p "$PG_PORT" -U zhangban -v ON_ERROR_STOP=1)
"${PSQL[@]}" -d postgres -c "create database zhangban"
"${PSQL[@]}" -d zhangban -c "create extension pg_stat_statements"
log "PostgreSQL 15 on port $PG_PORT, data in $WORK/pg"

# The demo data gives the catalog, departments and officers; /dev/tokens signs real tokens. The
# per-user rating limit (20 a minute) would refuse a benchmark's users most of their calls.
(
  cd "$WORK"
  # shellcheck disable=SC2086
  exec env DATABASE_URL="postgres://zhangban:bench@127.0.0.1:$PG_PORT/zhangban" \
    PORT="$HTTP_PORT" HOST=127.0.0.1 DEV_MODE=true DEMO_DATA=true DATA_DIR="$WORK/data" \
    RATING_CALLS_PER_MINUTE=1000000000 LOG_LEVEL=WARN ${BENCH_ENV:-} \
    java ${BENCH_JAVA_OPTS:-} -jar "$JAR"
) >"$WORK/server.log" 2>&1 &
SERVER_PID=$!
BASE=http://127.0.0.1:$HTTP_PORT
for _ in $(seq 1 600); do
  curl -fs "$BASE/health/ready" >/dev/null 2>&1 && break
  kill -0 "$SERVER_PID" 2>/dev/null || { cat "$WORK/server.log" >&2; die "the server stopped"; }
  sleep 0.5
done
curl -fs "$BASE/health/ready" >/dev/null || die "the server did not get ready; see $WORK/server.log"
log "server (pid $SERVER_PID) on $BASE"

# ---- data ----------------------------------------------------------------------------------------

log "seeding $USERS citizens and $APPS completed applications"
"${PSQL[@]}" -d zhangban -v users="$USERS" -v apps="$APPS" -v officers="$OFFICERS" -v directory="$DIRECTORY" -f "$BENCH/seed.sql"
log "seeded"
"${PSQL[@]}" -d zhangban -At -F ' ' -c "select id, u from bench_app order by n" >"$WORK/apps.txt"
if [[ " $PATHS " == *" link "* ]]; then
  # a rating link for every application's completion, its token derived from the application's
  # id so that the script can name it; the server keeps only the token's digest
  "${PSQL[@]}" -d zhangban -q -c "
    insert into rating_link (id, token_digest, application_id, stage, channel, created_by, created_at, expires_at)
    select gen_random_uuid(), sha256(convert_to(t.token, 'UTF8')), t.id, 'completed', 'sms', 'bench', now(),
           i.window_ends_at
    from (select id, translate(rtrim(encode(sha256(convert_to('bench-link-' || id, 'UTF8')), 'base64'), '='),
                               '+/', '-_') as token
          from bench_app) t
    join rating_invitation i on i.application_id = t.id and i.stage = 'completed'"
  "${PSQL[@]}" -d zhangban -At -c "select translate(rtrim(encode(sha256(convert_to('bench-link-' || id, 'UTF8')),
    'base64'), '='), '+/', '-_') from bench_app order by n" >"$WORK/links.txt"
  log "made a rating link for each application"
fi
ITEMS=$("${PSQL[@]}" -d zhangban -At -c "select count(*) from bench_item")

log "fetching $USERS tokens from POST /dev/tokens"
for u in $(seq 0 $((USERS - 1))); do
  [ "$u" = 0 ] || echo next
  printf 'url = "%s/dev/tokens"\nheader = "Content-Type: application/json"\n' "$BASE"
  printf 'data = "{\\"user\\":\\"bench-citizen-%d\\",\\"ttlSeconds\\":86400}"\nwrite-out = "\\n"\n' "$u"
done >"$WORK/tokens.curl"
curl -s -K "$WORK/tokens.curl" | sed -n 's/.*"token":"\([^"]*\)".*/\1/p' >"$WORK/tokens.txt"
[ "$(wc -l <"$WORK/tokens.txt")" = "$USERS" ] || die "got $(wc -l <"$WORK/tokens.txt") tokens of $USERS"
curl -fs "$BASE/me" -H "Authorization: Bearer $(head -1 "$WORK/tokens.txt")" | grep -q '"bench-citizen-0"' \
  || die "a fetched token is not accepted"

# ---- measuring -----------------------------------------------------------------------------------

TICKS=$(getconf CLK_TCK)
PG_PID=$(head -1 "$WORK/pg/postmaster.pid")

# CPU ticks of the server process, and of its JIT compiler threads (which keep compiling for a
# while after the warm-up when the machine is busy, and whose CPU is no request's)
server_ticks() { awk '{print $14 + $15}' "/proc/$SERVER_PID/stat"; }
jit_ticks() {
  local t=0 task
  for task in /proc/"$SERVER_PID"/task/*; do
    if grep -q '^C[12] CompilerThre' "$task/comm" 2>/dev/null; then
      t=$((t + $(awk '{print $14 + $15}' "$task/stat" 2>/dev/null || echo 0)))
    fi
  done
  echo "$t"
}
# CPU ticks of PostgreSQL: the postmaster with its ended children, and the children still running
pg_ticks() {
  local t
  t=$(awk '{print $14 + $15 + $16 + $17}' "/proc/$PG_PID/stat")
  for c in $(pgrep -P "$PG_PID"); do
    t=$((t + $(awk '{print $14 + $15}' "/proc/$c/stat" 2>/dev/null || echo 0)))
  done
  echo "$t"
}
statements() {
  "${PSQL[@]}" -d zhangban -At -c "select coalesce(sum(calls), 0) from pg_stat_statements
    where query not like '%pg_stat_statements%'"
}
# statement_table REQUESTS: each statement's calls per request, mean time, time per request and
# planning time per request (track_planning), most called first; those called rarely but taking a
# share of the time too (batch jobs)
statement_table() {
  "${PSQL[@]}" -d zhangban -P footer=off -c "select round(calls::numeric / $1, 2) as per_request,
      round(mean_exec_time::numeric, 3) as mean_ms, round((total_exec_time / $1)::numeric, 3) as ms_per_request,
      round((total_plan_time / $1)::numeric, 3) as plan_ms_per_request,
      left(regexp_replace(query, '\s+', ' ', 'g'), 90) as statement
    from pg_stat_statements where query not like '%pg_stat_statements%'
      and (calls >= $1 / 50 or total_exec_time >= $1 * 0.005)
    order by calls desc, total_exec_time desc"
}
reset_statements() { "${PSQL[@]}" -d zhangban -At -c "select pg_stat_statements_reset()" >/dev/null; }
wal_lsn() { "${PSQL[@]}" -d zhangban -At -c "select pg_current_wal_insert_lsn()"; }
# wal_per_request FROM TO N: the WAL written between two positions, per request: records, bytes, and
# of those bytes the full-page images (the first change of a page after a checkpoint), by pg_waldump
wal_per_request() {
  local bytes records fpi
  bytes=$("${PSQL[@]}" -d zhangban -At -c "select pg_wal_lsn_diff('$2', '$1')")
  read -r records fpi < <(as_pg "$PG_BIN/pg_waldump" --stats -p "$WORK/pg/pg_wal" -s "$1" -e "$2" 2>>"$WORK/waldump.err" |
    awk '$1 == "Total" { print $2, $5 }')
  if [ -z "${records:-}" ]; then
    echo "? (pg_waldump: see $WORK/waldump.err)"
    return
  fi
  awk -v r="$records" -v b="$bytes" -v f="$fpi" -v n="$3" \
    'BEGIN { printf "%.1f / %.0f (%.0f)", n ? r / n : 0, n ? b / n : 0, n ? f / n : 0 }'
}

declare -A RPS P50 P99 ERR SCPU DCPU STMT WAL
NEXT_APP=0 # the rating runs take applications from here on: one slice for each wrk run
LINK_SLICES=0
[[ " $PATHS " == *" link "* ]] && LINK_SLICES=$((2 + $(wc -w <<<"$CONNECTIONS")))
RATING_SLICE=$((APPS / (2 + $(wc -w <<<"$CONNECTIONS") + (PROFILE == 1 ? 1 : 0) + LINK_SLICES)))

ms() { awk -v us="$1" 'BEGIN { printf "%.1f", us / 1000 }'; }

# run_wrk KEY SCRIPT CONNECTIONS SECONDS FIRST COUNT: one wrk run; KEY empty for a warm-up
run_wrk() {
  local key=$1 script=$2 c=$3 secs=$4 first=$5 count=$6 out s0 j0 d0 n0 w0 w1 line
  out=$WORK/wrk-$script-$c-$secs.out
  reset_statements
  w0=$(wal_lsn)
  s0=$(server_ticks); j0=$(jit_ticks); d0=$(pg_ticks)
  (cd "$BENCH/wrk" && wrk -t"$THREADS" -c"$c" -d"${secs}s" --timeout 10s --latency -s "$script.lua" "$BASE" \
    -- "$WORK" "$first" "$count" "$THREADS" "$script$c$RANDOM") >"$out" 2>&1 || { cat "$out" >&2; die "wrk failed"; }
  w1=$(wal_lsn)
  n0=$(statements)
  [ -z "$key" ] && return 0
  line=$(grep '^RESULT' "$out") || { cat "$out" >&2; die "wrk printed no result"; }
  eval "$(sed 's/^RESULT //' <<<"$line")" # requests= duration_us= status_errors= ... p99_us=
  local sockets=$((connect_errors + read_errors + write_errors + timeouts))
  local good=$((requests - status_errors))
  RPS[$key]=$(awk -v n="$good" -v us="$duration_us" 'BEGIN { printf "%.0f", n / (us / 1e6) }')
  P50[$key]=$(ms "$p50_us"); P99[$key]=$(ms "$p99_us")
  ERR[$key]=""
  [ "$status_errors" -gt 0 ] && ERR[$key]="$status_errors non-2xx"
  [ "$sockets" -gt 0 ] && ERR[$key]="${ERR[$key]:+${ERR[$key]}, }$sockets socket errors/timeouts"
  SCPU[$key]=$(awk -v t="$(($(server_ticks) - s0))" -v j="$(($(jit_ticks) - j0))" -v n="$good" -v hz="$TICKS" \
    'BEGIN { printf "%.2f (JIT %.2f)", n ? t / hz * 1000 / n : 0, n ? j / hz * 1000 / n : 0 }')
  DCPU[$key]=$(awk -v t="$(($(pg_ticks) - d0))" -v n="$good" -v hz="$TICKS" 'BEGIN { printf "%.2f", n ? t / hz * 1000 / n : 0 }')
  STMT[$key]=$(awk -v s="$n0" -v n="$requests" 'BEGIN { printf "%.1f", n ? s / n : 0 }')
  WAL[$key]=$(wal_per_request "$w0" "$w1" "$good")
  statement_table "$requests" >"$WORK/statements-${key// /-}.txt"
  log "$key: ${RPS[$key]} req/s, p50 ${P50[$key]} ms, p99 ${P99[$key]} ms${ERR[$key]:+, ${ERR[$key]}}"
}

# run_pgbench KEY CLIENTS SECONDS [SCRIPT]: the reference transaction (or SCRIPT, a file in
# bench/); KEY empty for a warm-up
run_pgbench() {
  local key=$1 c=$2 secs=$3 script=${4:-reference.pgbench} out d0 n0 w0 w1 tps failed
  out=$WORK/pgbench-$c-$secs-$RANDOM
  reset_statements
  w0=$(wal_lsn)
  d0=$(pg_ticks)
  (cd "$WORK" && "$PG_BIN/pgbench" -h 127.0.0.1 -p "$PG_PORT" -U zhangban -n -M prepared -c "$c" -j "$THREADS" \
    -T "$secs" -D items="$ITEMS" -D apps="$APPS" -f "$BENCH/$script" -l --log-prefix="$out.log" zhangban) \
    >"$out" 2>&1 || { cat "$out" >&2; die "pgbench failed"; }
  w1=$(wal_lsn)
  n0=$(statements)
  [ -z "$key" ] && { rm -f "$out".log*; return 0; }
  tps=$(sed -n 's/^tps = \([0-9.]*\) .*/\1/p' "$out")
  failed=$(sed -n 's/^number of failed transactions: \([0-9]*\).*/\1/p' "$out")
  local processed
  processed=$(sed -n 's/^number of transactions actually processed: \([0-9]*\).*/\1/p' "$out")
  RPS[$key]=$(printf '%.0f' "$tps")
  # the per-transaction log: third field is the latency in microseconds
  read -r p50 p99 < <(cat "$out".log* | awk '{print $3}' | sort -n | awk '{ v[NR] = $1 }
    END { printf "%d %d\n", v[int(NR * 0.50) + 1], v[int(NR * 0.99) + 1] }')
  P50[$key]=$(ms "$p50"); P99[$key]=$(ms "$p99")
  ERR[$key]=""
  [ "${failed:-0}" -gt 0 ] && ERR[$key]="$failed failed"
  SCPU[$key]="-"
  DCPU[$key]=$(awk -v t="$(($(pg_ticks) - d0))" -v n="$processed" -v hz="$TICKS" 'BEGIN { printf "%.2f", n ? t / hz * 1000 / n : 0 }')
  STMT[$key]=$(awk -v s="$n0" -v n="$processed" 'BEGIN { printf "%.1f", n ? s / n : 0 }')
  WAL[$key]=$(wal_per_request "$w0" "$w1" "$processed")
  rm -f "$out".log*
  log "$key: ${RPS[$key]} tps, p50 ${P50[$key]} ms, p99 ${P99[$key]} ms${ERR[$key]:+, ${ERR[$key]}}"
}

# profile PATH FIRST COUNT: a run of its own at the highest concurrency with JFR recording, after
# the measured runs (starting a recording makes the JIT recompile, which would be counted)
profile() {
  jcmd "$SERVER_PID" JFR.start name="$1" settings=profile >/dev/null
  run_wrk "" "$1" "$HIGHEST" "$DURATION" "$2" "$3"
  jcmd "$SERVER_PID" JFR.stop name="$1" filename="$WORK/$1.jfr" >/dev/null
  "$BENCH/jfr-summary.sh" "$WORK/$1.jfr" >"$WORK/$1.profile.txt"
}

HIGHEST=$(tr ' ' '\n' <<<"$CONNECTIONS" | sort -n | tail -1)

# The JIT compiles while the first requests run, and that CPU would be counted against the first
# path measured: every path runs once first, untimed.
log "warming up the server: every path for $WARMUP_ALL s"
for path in $PATHS; do
  if [ "$path" = rate ] || [ "$path" = link ]; then
    run_wrk "" "$path" "$HIGHEST" "$WARMUP_ALL" "$NEXT_APP" "$RATING_SLICE"
    NEXT_APP=$((NEXT_APP + RATING_SLICE))
  else
    run_wrk "" "$path" "$HIGHEST" "$WARMUP_ALL" 0 "$APPS"
  fi
done

LOAD_BEFORE=$(cut -d' ' -f1-3 /proc/loadavg)
log "load average before: $LOAD_BEFORE"

if [[ " $PATHS " == *" rate "* ]]; then
  run_pgbench "" "$HIGHEST" "$WARMUP"
  for c in $CONNECTIONS; do run_pgbench "ref-before $c" "$c" "$DURATION"; done
  log "rating: warm-up"
  run_wrk "" rate "$HIGHEST" "$WARMUP" "$NEXT_APP" "$RATING_SLICE"
  NEXT_APP=$((NEXT_APP + RATING_SLICE))
  for c in $CONNECTIONS; do
    run_wrk "rate $c" rate "$c" "$DURATION" "$NEXT_APP" "$RATING_SLICE"
    NEXT_APP=$((NEXT_APP + RATING_SLICE))
  done
  if [[ " $PATHS " == *" link "* ]]; then
    log "rating by link: warm-up"
    run_wrk "" link "$HIGHEST" "$WARMUP" "$NEXT_APP" "$RATING_SLICE"
    NEXT_APP=$((NEXT_APP + RATING_SLICE))
    for c in $CONNECTIONS; do
      run_wrk "link $c" link "$c" "$DURATION" "$NEXT_APP" "$RATING_SLICE"
      NEXT_APP=$((NEXT_APP + RATING_SLICE))
    done
  fi
  for c in $CONNECTIONS; do run_pgbench "ref-after $c" "$c" "$DURATION"; done
  RATED=$("${PSQL[@]}" -d zhangban -At -c "select count(*) from rating where stage = 'completed'
    and application_id in (select id from bench_app)")
  OPEN=$("${PSQL[@]}" -d zhangban -At -c "select count(*) from rating_invitation where state = 'rated'
    and application_id in (select id from bench_app)")
  log "ratings stored: $RATED, invitations marked rated: $OPEN"
fi

for path in create get list; do
  [[ " $PATHS " == *" $path "* ]] || continue
  if [ "$path" = get ]; then
    # the database's own ceiling for the statement a read runs, pgbench as its only client
    run_pgbench "" "$HIGHEST" "$WARMUP" read.pgbench
    for c in $CONNECTIONS; do run_pgbench "read-ref $c" "$c" "$DURATION" read.pgbench; done
  fi
  log "$path: warm-up"
  run_wrk "" "$path" "$HIGHEST" "$WARMUP" 0 "$APPS"
  for c in $CONNECTIONS; do run_wrk "$path $c" "$path" "$c" "$DURATION" 0 "$APPS"; done
done
LOAD_AFTER=$(cut -d' ' -f1-3 /proc/loadavg)

if [ "$PROFILE" = 1 ]; then
  if [[ " $PATHS " == *" rate "* ]]; then
    log "profiling rating"
    profile rate "$NEXT_APP" "$RATING_SLICE"
  fi
  if [[ " $PATHS " == *" get "* ]]; then
    log "profiling get"
    profile get 0 "$APPS"
  fi
fi

# ---- the table -----------------------------------------------------------------------------------

declare -A NAMES=([rate]="rating submit (POST /applications/{id}/ratings)"
  [link]="rating by link (POST /public/rating-links/{token}/rating)"
  [create]="application submit (POST /applications)" [get]="get application (GET /applications/{id})"
  [list]="list my applications (GET /applications)")
echo
echo "Hot paths, $(date -u +%Y-%m-%dT%H:%MZ), $(nproc) cores, ${DURATION} s per run after ${WARMUP} s warm-up,"
echo "wrk -t$THREADS, pgbench -M prepared -j $THREADS; load average before $LOAD_BEFORE, after $LOAD_AFTER"
echo
echo "| path | conns | req/s | p50 ms | p99 ms | errors | server CPU ms/req (of it JIT) | PostgreSQL CPU ms/req | SQL statements/req | WAL/req: records / bytes (full pages) |"
echo "|---|---|---|---|---|---|---|---|---|---|"
row() {
  local key="$1 $2"
  [ -n "${RPS[$key]:-}" ] || return 0
  echo "| $3 | $2 | ${RPS[$key]} | ${P50[$key]} | ${P99[$key]} | ${ERR[$key]:-none} | ${SCPU[$key]} | ${DCPU[$key]} | ${STMT[$key]} | ${WAL[$key]} |"
}
for c in $CONNECTIONS; do
  row ref-before "$c" "reference transaction (pgbench), before"
  row rate "$c" "${NAMES[rate]}"
  row link "$c" "${NAMES[link]}"
  row ref-after "$c" "reference transaction (pgbench), after"
done
for path in create get list; do
  for c in $CONNECTIONS; do
    [ "$path" = get ] && row read-ref "$c" "read of one application (pgbench, its statement alone)"
    row "$path" "$c" "${NAMES[$path]}"
  done
done
if [[ " $PATHS " == *" rate "* ]]; then
  echo
  for c in $CONNECTIONS; do
    awk -v r="${RPS[rate $c]}" -v a="${RPS[ref-before $c]}" -v b="${RPS[ref-after $c]}" -v c="$c" -v e="${ERR[rate $c]:-}" \
      'BEGIN { m = a > b ? a : b; printf "rating submit ÷ reference ceiling at %s: %.2f (%d ÷ %d, the higher of before and after)%s\n",
        c, r / m, r, m, e == "" ? "" : " -- the rating run had errors: " e }'
  done
fi
if [[ " $PATHS " == *" link "* ]]; then
  echo
  for c in $CONNECTIONS; do
    awk -v l="${RPS[link $c]}" -v r="${RPS[rate $c]}" -v c="$c" -v e="${ERR[link $c]:-}" \
      'BEGIN { printf "rating by link ÷ rating submit at %s: %.2f (%d ÷ %d)%s\n", c, l / r, l, r,
        e == "" ? "" : " -- the link run had errors: " e }'
  done
fi
if [[ " $PATHS " == *" get "* ]]; then
  echo
  for c in $CONNECTIONS; do
    awk -v r="${RPS[get $c]}" -v m="${RPS[read-ref $c]}" -v c="$c" \
      'BEGIN { printf "get application ÷ its statement alone at %s: %.2f (%d ÷ %d)\n", c, r / m, r, m }'
  done
fi
if [ -f "$WORK/statements-rate-$HIGHEST.txt" ]; then
  echo
  echo "SQL statements per rating submit at $HIGHEST connections (pg_stat_statements: calls per request, mean time):"
  cat "$WORK/statements-rate-$HIGHEST.txt"
fi
if [ "$PROFILE" = 1 ]; then
  for f in rate get; do
    [ -f "$WORK/$f.profile.txt" ] || continue
    echo
    echo "Server profile: $f at $HIGHEST connections for $DURATION s, in a run of its own after the table's (JFR execution samples):"
    cat "$WORK/$f.profile.txt"
  done
fi
