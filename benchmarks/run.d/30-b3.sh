#!/usr/bin/env bash
# B3: closing while the stats backend hangs (dev.tandem.bench.churn.HungBackendBench): Tandem with a
# healthy, a hung and a throwing sink, and the leak demo's naive server as the baseline.
# About a minute; --quick: seconds.
set -euo pipefail
java -cp "$JAR" dev.tandem.bench.churn.HungBackendBench --out "$OUT" ${QUICK:+"$QUICK"}
