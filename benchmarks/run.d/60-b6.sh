#!/usr/bin/env bash
# B6: push-heavy (dev.tandem.bench.push.PushBench): 1 KiB messages pushed to 1,000 loopback clients
# as fast as they read, Tandem against a bare two-thread-per-connection server. Once on the default
# JDK (17: platform threads), then once more on JDK 25, where the same JVM also runs both on virtual
# threads; the second run appends its table to b6.md. Exits 1 if a run's books did not balance.
# A few minutes in all (6 on a loaded shared 2-core machine: 2 on JDK 17, 4 on JDK 25); --quick: seconds.
set -euo pipefail
java -cp "$JAR" dev.tandem.bench.push.PushBench --out "$OUT" ${QUICK:+"$QUICK"}
"$JDK25_HOME/bin/java" -cp "$JAR" dev.tandem.bench.push.PushBench --out "$OUT" --append ${QUICK:+"$QUICK"}
