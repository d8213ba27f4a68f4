#!/usr/bin/env bash
# B4: scale. A million idle in-memory pairs in one JVM, and real sockets up to ulimit -n, each
# measured in a child JVM of its own on $JDK25_HOME (virtual threads). Writes $OUT/b4.md; the raw
# figures of every child stay in $OUT/b4/. Method: docs/benchmarks.md, "### B4".
set -euo pipefail
java -cp "$JAR" dev.tandem.bench.scale.ScaleBench --jdk "$JDK25_HOME" --out "$OUT" $QUICK
