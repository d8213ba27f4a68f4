# shellcheck shell=bash
# Prometheus for the integration test of the Micrometer example (sourced by .ci/run; see README.md here).
#
# Debian's prometheus package (apt installs it but does not start it here), run on 127.0.0.1 with
# its storage under $TANDEM_CI_WORK/prometheus. It scrapes every 1 s whatever targets the tests
# write into a file_sd folder (one JSON file per target, picked up within a second), so a test can
# serve its metrics on an ephemeral port and still be scraped. Ready means /-/ready answers 200.
#
# Exports:
#   TANDEM_IT_PROMETHEUS_URL      http://127.0.0.1:<port>, for /api/v1/query
#   TANDEM_IT_PROMETHEUS_TARGETS  the file_sd folder: write <name>.json there, as
#                                 [{"targets":["127.0.0.1:<port>"],"labels":{"run":"<id>"}}]

# shellcheck source-path=SCRIPTDIR source=lib.bash
source "$(dirname "${BASH_SOURCE[0]}")/lib.bash"

tandem_prom_start=$SECONDS
if ! command -v prometheus >/dev/null 2>&1 || ! command -v curl >/dev/null 2>&1; then
    apt-get update -qq >/dev/null
    DEBIAN_FRONTEND=noninteractive apt-get install -y -qq --no-install-recommends prometheus curl >/dev/null
fi
tandem_prom_installed=$((SECONDS - tandem_prom_start))

tandem_prom_dir="${TANDEM_CI_WORK}/prometheus"
mkdir -p "${tandem_prom_dir}/data" "${tandem_prom_dir}/targets"
cat >"${tandem_prom_dir}/prometheus.yml" <<EOF
global:
  scrape_interval: 1s
  scrape_timeout: 1s
scrape_configs:
  - job_name: tandem-it
    metrics_path: /metrics
    file_sd_configs:
      - files: ['${tandem_prom_dir}/targets/*.json']
        refresh_interval: 1s
EOF

tandem_prom_port=$(tandem_free_port) || return 1

prometheus --config.file="${tandem_prom_dir}/prometheus.yml" \
    --storage.tsdb.path="${tandem_prom_dir}/data" \
    --web.listen-address="127.0.0.1:${tandem_prom_port}" \
    --log.level=warn >"${tandem_prom_dir}/prometheus.log" 2>&1 </dev/null &
tandem_prom_pid=$!
SERVICE_PIDS+=("${tandem_prom_pid}")

tandem_await_ready Prometheus "${tandem_prom_pid}" 60 "${tandem_prom_dir}/prometheus.log" \
    curl -fsS -o /dev/null --max-time 2 "http://127.0.0.1:${tandem_prom_port}/-/ready" || return 1

export TANDEM_IT_PROMETHEUS_URL="http://127.0.0.1:${tandem_prom_port}"
export TANDEM_IT_PROMETHEUS_TARGETS="${tandem_prom_dir}/targets"
echo "Prometheus ${TANDEM_IT_PROMETHEUS_URL} ready in $((SECONDS - tandem_prom_start)) s (install ${tandem_prom_installed} s, pid ${tandem_prom_pid}, log ${tandem_prom_dir}/prometheus.log)"
