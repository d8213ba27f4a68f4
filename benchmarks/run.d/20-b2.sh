#!/usr/bin/env bash
# B2: what Tandem's lifecycle costs per connection over loopback (dev.tandem.bench.churn.LifecycleBench).
# Once on the default JDK (17: bare vs Tandem on platform threads), then once more on JDK 25, where
# the same JVM also runs both on virtual threads; the second run appends its table to b2.md.
# About a minute in all; --quick: seconds.
set -euo pipefail
java -cp "$JAR" dev.tandem.bench.churn.LifecycleBench --out "$OUT" ${QUICK:+"$QUICK"}
"$JDK25_HOME/bin/java" -cp "$JAR" dev.tandem.bench.churn.LifecycleBench --out "$OUT" --append ${QUICK:+"$QUICK"}
