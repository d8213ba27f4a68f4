#!/usr/bin/env bash
# The whole benchmark suite, in about 24 minutes on a 2-core machine; it rewrites the result
# tables of docs/benchmarks.md. Usage: bash benchmarks/run.sh [--quick]
#   --quick   every harness at its smoke size (seconds), for trying the script itself
set -euo pipefail
cd "$(dirname "${BASH_SOURCE[0]}")/.."

QUICK=""
if [[ "${1:-}" == "--quick" ]]; then QUICK="--quick"; fi
JDK25_HOME=${JDK25_HOME:-/usr/lib/jvm/temurin-25-jdk-amd64}
OUT=benchmarks/target/results
JAR=benchmarks/target/benchmarks.jar

mvn -B -q -pl benchmarks -am -DskipTests package
rm -rf "$OUT" && mkdir -p "$OUT"

# Each harness writes $OUT/bN.md (see dev.tandem.bench.Results); the sections below are filled in
# by the harnesses' own scripts so that each stays next to its code.
for part in benchmarks/run.d/*.sh; do
    [[ -e "$part" ]] || continue
    echo "=== $(basename "$part")"
    JAR="$JAR" OUT="$OUT" QUICK="$QUICK" JDK25_HOME="$JDK25_HOME" bash "$part"
done

java -cp "$JAR" dev.tandem.bench.Report docs/benchmarks.md "$OUT"
