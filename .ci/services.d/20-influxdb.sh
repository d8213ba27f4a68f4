# InfluxDB 1.x for the HTTP sink's integration tests (stats-sink, dev.tandem.stats.http.*IT): Debian's
# influxdb package (apt does not start it here), run with its own config and data under
# $TANDEM_CI_WORK, HTTP on a free port of 127.0.0.1, reporting and self-monitoring off.
# Sourced by .ci/run under `set -euo pipefail` (see README.md here). Exports:
#   TANDEM_IT_INFLUXDB_URL  http://127.0.0.1:PORT (write with /write?db=..., query with /query)
#   TANDEM_IT_INFLUXD       the influxd binary: the tests start, kill and restart their own servers

# shellcheck source-path=SCRIPTDIR source=lib.bash
source "$(dirname "${BASH_SOURCE[0]}")/lib.bash"

# tandem_influxdb_ready LOG: true once influxd has logged its HTTP port (kept in
# tandem_influxdb_port) and GET /ping there answers 204.
tandem_influxdb_port=""
# shellcheck disable=SC2317 # called by tandem_await_ready
tandem_influxdb_ready() {
    if [[ -z "$tandem_influxdb_port" ]]; then
        tandem_influxdb_port=$(grep -o 'Listening on HTTP.*addr=127\.0\.0\.1:[0-9]*' "$1" | grep -o '[0-9]*$' || true)
    fi
    [[ -n "$tandem_influxdb_port" ]] || return 1
    local status
    status=$( (exec 3<>"/dev/tcp/127.0.0.1/${tandem_influxdb_port}" && printf 'GET /ping HTTP/1.0\r\n\r\n' >&3 \
        && head -n 1 <&3) 2>/dev/null || true)
    [[ "$status" == *" 204 "* ]]
}

tandem_influxdb_start() {
    if ! command -v influxd >/dev/null; then
        local t0=$SECONDS
        export DEBIAN_FRONTEND=noninteractive
        apt-get install -y -q influxdb >/dev/null 2>&1 || { apt-get update -q >/dev/null && apt-get install -y -q influxdb >/dev/null; }
        echo "influxdb: apt-get install took $((SECONDS - t0)) s"
    fi
    local influxd
    influxd=$(command -v influxd)
    local dir="$TANDEM_CI_WORK/influxdb"
    mkdir -p "$dir"
    # Port 0: the kernel picks free ports; influxd logs the HTTP one ("Listening on HTTP ... addr=").
    cat >"$dir/influxdb.conf" <<CONFIG
reporting-enabled = false
bind-address = "127.0.0.1:0"
[meta]
  dir = "${dir}/meta"
  logging-enabled = false
[data]
  dir = "${dir}/data"
  wal-dir = "${dir}/wal"
  query-log-enabled = false
[monitor]
  store-enabled = false
[http]
  bind-address = "127.0.0.1:0"
  log-enabled = false
  pprof-enabled = false
[logging]
  level = "info"
  suppress-logo = true
CONFIG
    "$influxd" run -config "$dir/influxdb.conf" >"$dir/influxd.log" 2>&1 &
    local pid=$!
    SERVICE_PIDS+=("$pid")

    tandem_await_ready influxdb "$pid" 20 "$dir/influxd.log" tandem_influxdb_ready "$dir/influxd.log" || return 1
    local port=$tandem_influxdb_port
    echo "influxdb $("$influxd" version | head -n 1) ready: http://127.0.0.1:${port} (pid ${pid})"

    export TANDEM_IT_INFLUXDB_URL="http://127.0.0.1:${port}"
    export TANDEM_IT_INFLUXD="$influxd"
}

tandem_influxdb_start
unset -f tandem_influxdb_start tandem_influxdb_ready
unset tandem_influxdb_port
