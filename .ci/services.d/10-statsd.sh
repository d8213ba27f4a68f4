# StatsD for the StatsD sink's integration tests (stats-sink, dev.tandem.stats.statsd.*IT): the Etsy
# daemon from npm, run by node, UDP and its admin TCP interface on free ports of 127.0.0.1.
# Sourced by .ci/run under `set -euo pipefail` (see README.md here). Exports:
#   TANDEM_IT_STATSD_HOST        127.0.0.1
#   TANDEM_IT_STATSD_PORT        the daemon's UDP port
#   TANDEM_IT_STATSD_ADMIN_PORT  its admin TCP port (commands: counters, gauges, timers, health)
#   TANDEM_IT_STATSD_NODE        the node binary       } the tests start, kill and restart their own
#   TANDEM_IT_STATSD_MAIN        the daemon's stats.js } daemons with these, on other ports
# The shared daemon flushes every second (counters and timers reset, gauges persist), like a
# production one. npm installs into a cache folder (${TANDEM_CACHE_DIR:-~/.cache/tandem}) once.

# shellcheck source-path=SCRIPTDIR source=lib.bash
source "$(dirname "${BASH_SOURCE[0]}")/lib.bash"

# shellcheck disable=SC2317 # called by tandem_statsd_healthy, through tandem_await_ready
tandem_statsd_admin() { # PORT COMMAND: one admin command, its answer on stdout (bounded: 2 s)
    node -e '
        const [port, cmd] = process.argv.slice(1);
        const s = require("net").connect(Number(port), "127.0.0.1", () => s.write(cmd + "\n"));
        let out = "";
        s.setEncoding("utf8");
        s.on("data", d => { out += d; if (cmd === "health" || out.includes("END\n")) { s.end(); } });
        s.on("close", () => { process.stdout.write(out); });
        s.on("error", e => { console.error(String(e)); process.exitCode = 1; });
        setTimeout(() => { s.destroy(); process.exitCode = 1; }, 2000).unref();
    ' "$1" "$2"
}

# shellcheck disable=SC2317 # called by tandem_await_ready
tandem_statsd_healthy() { # PORT: the admin interface on PORT says "health: up"
    tandem_statsd_admin "$1" health | grep -q 'health: up'
}

tandem_statsd_start() {
    local version=0.9.0
    local cache="${TANDEM_CACHE_DIR:-${XDG_CACHE_HOME:-$HOME/.cache}/tandem}/statsd-${version}"
    local main="$cache/node_modules/statsd/stats.js"
    if ! command -v node >/dev/null || ! command -v npm >/dev/null; then
        echo "statsd: node and npm are needed (Debian: apt-get install -y nodejs npm)" >&2
        return 1
    fi
    if [[ ! -f "$main" ]]; then
        local t0=$SECONDS
        mkdir -p "$cache"
        npm install --prefix "$cache" --no-audit --no-fund --loglevel=error "statsd@${version}" >&2
        echo "statsd: npm install statsd@${version} took $((SECONDS - t0)) s"
    fi

    local dir="$TANDEM_CI_WORK/statsd"
    mkdir -p "$dir"
    local ports udp admin
    ports=$(node -e '
        const u = require("dgram").createSocket("udp4");
        u.bind(0, "127.0.0.1", () => {
            const t = require("net").createServer().listen(0, "127.0.0.1", () => {
                console.log(u.address().port + " " + t.address().port);
                u.close();
                t.close();
            });
        });')
    read -r udp admin <<<"$ports"
    cat >"$dir/config.js" <<CONFIG
{
  address: "127.0.0.1", port: ${udp},
  mgmt_address: "127.0.0.1", mgmt_port: ${admin},
  flushInterval: 1000,
  backends: [],
  title: false,
  automaticConfigReload: false
}
CONFIG
    node "$main" "$dir/config.js" >"$dir/statsd.log" 2>&1 &
    local pid=$!
    SERVICE_PIDS+=("$pid")

    tandem_await_ready "statsd (udp ${udp}, admin ${admin})" "$pid" 20 "$dir/statsd.log" \
        tandem_statsd_healthy "$admin" || return 1
    echo "statsd ${version} ready: udp 127.0.0.1:${udp}, admin 127.0.0.1:${admin} (pid ${pid})"

    export TANDEM_IT_STATSD_HOST=127.0.0.1
    export TANDEM_IT_STATSD_PORT="$udp"
    export TANDEM_IT_STATSD_ADMIN_PORT="$admin"
    TANDEM_IT_STATSD_NODE=$(command -v node)
    export TANDEM_IT_STATSD_NODE
    export TANDEM_IT_STATSD_MAIN="$main"
}

tandem_statsd_start
unset -f tandem_statsd_start tandem_statsd_admin tandem_statsd_healthy
