#!/usr/bin/env bash
# One load-test run from a clean clone: builds what is missing, starts a gateway from a private copy of
# gateway/target/syncgw.jar on 127.0.0.1 (embedded PostgreSQL with pg_stat_statements, or --db-url), runs the named
# Gatling simulation against it (the simulation creates its accounts by JDBC and checks the server's data at the
# end), stops the gateway and prints the summary. See loadtest/README.md.
#
#   loadtest/run.sh SIMULATION [--db-url URL] [--users N] [--duration S] [--rate R] [--jfr] [--build]
#                   [--gateway-opts "JVM OPTIONS"] [--gateway-args "SERVE OPTIONS"] [--gatling-heap 2g]
#                   [-Dknob=value ...]
#
#   SIMULATION: FirstSync | WorkingDay | MorningBurst | IdleHandsets | Throughput (or a simulation class name)
#   LOADGEN_OPTS (environment): extra JVM options for the load generator, e.g. a JFR recording to profile it.
#   PG_CONF (environment): extra postgresql.conf lines for the embedded PostgreSQL, e.g. "plan_cache_mode = auto".
set -euo pipefail
ROOT=$(cd "$(dirname "$0")/.." && pwd)
cd "$ROOT"

usage() { sed -n '2,13p' "$0" | sed 's/^# \{0,1\}//'; exit 2; }
[[ $# -ge 1 ]] || usage
SIM=$1; shift
case "$SIM" in
  -h|--help) usage ;;
  *.*) CLASS=$SIM ;;
  *Simulation) CLASS=io.syncgw.loadtest.simulations.$SIM ;;
  *) CLASS=io.syncgw.loadtest.simulations.${SIM}Simulation ;;
esac
DB_URL=""; JFR=""; BUILD=""; GW_OPTS=""; GW_ARGS=""; GATLING_HEAP=2g
PROPS=()
while [[ $# -gt 0 ]]; do
  case "$1" in
    --db-url) DB_URL=$2; shift 2 ;;
    --users) PROPS+=("-Dusers=$2"); shift 2 ;;
    --duration) PROPS+=("-Dduration=$2"); shift 2 ;;
    --rate) PROPS+=("-Drate=$2"); shift 2 ;;
    --jfr) JFR=1; shift ;;
    --build) BUILD=1; shift ;;
    --gateway-opts) GW_OPTS=$2; shift 2 ;;
    --gateway-args) GW_ARGS=$2; shift 2 ;;
    --gatling-heap) GATLING_HEAP=$2; shift 2 ;;
    -D*) PROPS+=("$1"); shift ;;
    *) echo "run.sh: unknown option $1" >&2; usage ;;
  esac
done

log() { echo "== $(date +%H:%M:%S) $*"; }

# ---- build what is missing (a clean clone builds everything once)
if [[ -n "$BUILD" || ! -f gateway/target/syncgw.jar ]]; then
  log "building syncgw (mvn -B -q install -DskipTests)"
  mvn -B -q install -DskipTests
fi
log "compiling the load test"
mkdir -p "$ROOT/loadtest/target"
if ! mvn -B -q -pl loadtest -am test-compile dependency:build-classpath -Dmdep.includeScope=test \
    -Dmdep.outputFile="$ROOT/loadtest/target/classpath-test.txt" >"$ROOT/loadtest/target/build.log" 2>&1; then
  tail -40 "$ROOT/loadtest/target/build.log"; echo "run.sh: the build failed" >&2; exit 1
fi
RUN="$ROOT/loadtest/target/runs/${CLASS##*.}-$(date +%Y%m%d-%H%M%S)"
mkdir -p "$RUN"
# the module's classes and those of codec and engine are copied into the run folder, like the jar below: another
# build in this working tree must not pull them away from under a running simulation
CP=""; n=0
for entry in "$ROOT/loadtest/target/test-classes" "$ROOT/loadtest/target/classes" \
    $(tr ':' ' ' <"$ROOT/loadtest/target/classpath-test.txt"); do
  if [[ -d "$entry" ]]; then
    n=$((n + 1)); mkdir -p "$RUN/classpath/$n"; cp -r "$entry/." "$RUN/classpath/$n/"; entry="$RUN/classpath/$n"
  fi
  CP="${CP:+$CP:}$entry"
done
# a private copy: a rebuild of gateway/target/syncgw.jar while the gateway runs would break its class loading
cp gateway/target/syncgw.jar "$RUN/syncgw.jar"
JAR="$RUN/syncgw.jar"
log "run folder $RUN"

free_port() {
  local p=$1
  while (exec 3<>"/dev/tcp/127.0.0.1/$p") 2>/dev/null; do p=$((p + 1)); done
  echo "$p"
}
PORT=$(free_port 18080)
ADMIN=(); METRICS=()
if java -jar "$JAR" help 2>&1 | grep -q -- '--admin-port'; then
  ADMIN_PORT=$(free_port $((PORT + 1)))
  ADMIN=(--admin-port "$ADMIN_PORT")
  # the gateway's own response-time histograms, scraped at both ends of the measured window
  METRICS=("-Dsyncgw.metrics=http://127.0.0.1:$ADMIN_PORT/metrics")
fi

GW_PID=""; MON_PID=""
cleanup() {
  [[ -n "$MON_PID" ]] && kill "$MON_PID" 2>/dev/null || true
  if [[ -n "$GW_PID" ]] && kill -0 "$GW_PID" 2>/dev/null; then
    kill -TERM "$GW_PID" 2>/dev/null || true
    for _ in $(seq 1 120); do kill -0 "$GW_PID" 2>/dev/null || break; sleep 0.5; done
    kill -KILL "$GW_PID" 2>/dev/null || true
  fi
}
trap cleanup EXIT

# ---- database
PG_PID=-1
if [[ -z "$DB_URL" ]]; then
  DATA="$RUN/data"
  log "creating the embedded PostgreSQL cluster and schema in $DATA"
  java -jar "$JAR" user add lt-bootstrap --password bootstrap-secret --data-dir "$DATA" >"$RUN/bootstrap.log" 2>&1
  # statement counts per session: pg_stat_statements (shipped with the zonky binaries) loaded at the next start;
  # track = all counts the statements run inside syncgw_write_batch too (as not top-level)
  printf "\nshared_preload_libraries = 'pg_stat_statements'\npg_stat_statements.max = 5000\npg_stat_statements.track = all\n" \
    >>"$DATA/postgres/postgresql.conf"
  [[ -n "${PG_CONF:-}" ]] && printf '%s\n' "$PG_CONF" >>"$DATA/postgres/postgresql.conf"
  STORAGE=(--data-dir "$DATA")
else
  STORAGE=(--db-url "$DB_URL")
fi

# ---- gateway
GW_JVM=(-Xlog:gc:file="$RUN/gc.log":utctime,uptime)
[[ -n "$JFR" ]] && GW_JVM+=("-XX:StartFlightRecording=filename=$RUN/gateway.jfr,settings=profile,dumponexit=true")
# shellcheck disable=SC2206
[[ -n "$GW_OPTS" ]] && GW_JVM+=($GW_OPTS)
log "starting the gateway on 127.0.0.1:$PORT ${ADMIN[*]}"
# shellcheck disable=SC2086 # GW_ARGS: more options of "serve", e.g. "--session-timeout 5s --max-sessions 20000"
java "${GW_JVM[@]}" -jar "$JAR" serve --port "$PORT" --bind 127.0.0.1 "${ADMIN[@]}" "${STORAGE[@]}" $GW_ARGS \
  >"$RUN/gateway.log" 2>&1 &
GW_PID=$!
for _ in $(seq 1 240); do
  grep -q "syncgw ready" "$RUN/gateway.log" && break
  kill -0 "$GW_PID" 2>/dev/null || { tail -30 "$RUN/gateway.log"; echo "run.sh: the gateway did not start" >&2; exit 1; }
  sleep 0.5
done
grep -q "syncgw ready" "$RUN/gateway.log" || { echo "run.sh: the gateway is not ready after 120 s" >&2; exit 1; }
if [[ -z "$DB_URL" ]]; then
  PG_PID=$(head -1 "$DATA/postgres/postmaster.pid")
  PG_PORT=$(sed -n 4p "$DATA/postgres/postmaster.pid")
  JDBC="jdbc:postgresql://127.0.0.1:$PG_PORT/syncgw?user=postgres&ApplicationName=syncgw-loadtest"
else
  # postgresql://user:pass@host:port/db (also r2dbc:/jdbc: prefixes) -> JDBC
  U=${DB_URL#jdbc:}; U=${U#r2dbc:}; U=${U#postgresql://}
  CRED=""; [[ "$U" == *@* ]] && { CRED=${U%%@*}; U=${U#*@}; }
  JDBC="jdbc:postgresql://$U"
  if [[ -n "$CRED" ]]; then
    SEP='?'; [[ "$JDBC" == *\?* ]] && SEP='&'
    JDBC="$JDBC${SEP}user=${CRED%%:*}"; [[ "$CRED" == *:* ]] && JDBC="$JDBC&password=${CRED#*:}"
  fi
  PG_PID=$(pgrep -o -x postgres 2>/dev/null || echo -1)   # a local server's postmaster, for its CPU time
fi
log "gateway pid $GW_PID, PostgreSQL pid $PG_PID"

# ---- monitor: RSS every second; when every handset is mid-session (IdleHandsets), the heap after a full GC
baseline_heap() { jcmd "$GW_PID" GC.run >/dev/null 2>&1; jcmd "$GW_PID" GC.heap_info 2>/dev/null \
  | sed -n 's/.*total [0-9]*K, used \([0-9]*\)K.*/\1/p' | head -1; }
BASE_KB=$(baseline_heap || echo 0)
(
  peak=0; plateau_done=""
  while kill -0 "$GW_PID" 2>/dev/null; do
    rss=$(awk '/VmRSS/ {print $2}' "/proc/$GW_PID/status" 2>/dev/null || echo 0)
    [[ -n "$rss" && "$rss" -gt "$peak" ]] && peak=$rss
    if [[ -z "$plateau_done" && -f "$RUN/plateau" ]]; then
      plateau_done=1
      jcmd "$GW_PID" GC.run >/dev/null 2>&1 || true
      jcmd "$GW_PID" GC.heap_info >"$RUN/heap-plateau.txt" 2>&1 || true
      jcmd "$GW_PID" GC.class_histogram 2>/dev/null | head -45 >"$RUN/heap-histogram.txt" || true
      prss=$(awk '/VmRSS/ {print $2}' "/proc/$GW_PID/status")
      { echo "plateau_rss_mb=$((prss / 1024))"; sed -n 's/^live=/plateau_live=/p' "$RUN/plateau"; } >"$RUN/plateau.properties"
    fi
    { echo "peak_rss_mb=$((peak / 1024))"; echo "baseline_heap_mb=$((${BASE_KB:-0} / 1024))";
      [[ -f "$RUN/plateau.properties" ]] && cat "$RUN/plateau.properties"; } >"$RUN/monitor.properties.tmp"
    mv "$RUN/monitor.properties.tmp" "$RUN/monitor.properties"
    sleep 1
  done
) &
MON_PID=$!

# ---- the simulation
log "running $CLASS ${PROPS[*]:-}"
set +e
# shellcheck disable=SC2086 # LOADGEN_OPTS: extra JVM options for the load generator (e.g. a JFR recording)
java -Xms512m "-Xmx$GATLING_HEAP" ${LOADGEN_OPTS:-} --add-opens=java.base/java.lang=ALL-UNNAMED -Dgatling.data.enableAnalytics=false \
  "-Dlogback.configurationFile=$ROOT/loadtest/src/test/resources/logback-test.xml" \
  -cp "$CP" "-Dsyncgw.url=http://127.0.0.1:$PORT/sync" "-Dsyncgw.jdbc=$JDBC" "-Dsyncgw.out=$RUN" \
  "-Dsyncgw.gatewayPid=$GW_PID" "-Dsyncgw.pgPid=$PG_PID" "${METRICS[@]}" "${PROPS[@]}" \
  io.gatling.app.Gatling --simulation "$CLASS" --results-folder "$RUN/gatling" >"$RUN/gatling.log" 2>&1
GATLING_RC=$?
set -e
grep -a "loadtest:" "$RUN/gatling.log" || true
kill "$MON_PID" 2>/dev/null || true; MON_PID=""
# where the gateway's CPU went over the whole run, by thread group (GC, JIT, event loops, logging...)
if [[ -d "/proc/$GW_PID/task" ]]; then
  for t in /proc/"$GW_PID"/task/*; do
    name=$(cat "$t/comm" 2>/dev/null | sed -E 's/[-#0-9]+$//; s/[0-9]+$//')
    awk -v n="$name" '{ s = $0; sub(/^.*\) /, "", s); split(s, f, " "); printf "%s\t%d\t%d\n", n, f[12], f[13] }' "$t/stat" 2>/dev/null
  done | awk -F'\t' '{ u[$1] += $2; s[$1] += $3 } END { for (k in u) printf "%-28s user %8.2f s  system %8.2f s\n", k, u[k]/100, s[k]/100 }' \
    | sort -k3 -n -r >"$RUN/gateway-threads.txt"
fi
log "stopping the gateway"
cleanup; GW_PID=""
if [[ -n "$JFR" && -f "$RUN/gateway.jfr" ]]; then
  java -cp "$CP" io.syncgw.loadtest.harness.JfrTop "$RUN/gateway.jfr" 30 >"$RUN/jfr-top.txt" 2>&1 || true
  log "JFR summary in $RUN/jfr-top.txt"
fi
set +e
java -cp "$CP" io.syncgw.loadtest.harness.Summary "$RUN"
SUMMARY_RC=$?
set -e
echo "   (details: $RUN: gatling.log, gateway.log, statements.txt, gc.log, gatling/ report)"
[[ $GATLING_RC -eq 0 && $SUMMARY_RC -eq 0 ]] || { echo "run.sh: FAILED (gatling exit $GATLING_RC)" >&2; exit 1; }
