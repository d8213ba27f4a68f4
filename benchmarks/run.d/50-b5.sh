#!/usr/bin/env bash
# B5: a soak, 100,000 connections through every fault at once (dev.tandem.bench.soak.Soak). Exits 1
# if a leak or a count mismatch was found (b5.md says which). Two minutes or so; --quick: seconds.
set -euo pipefail
java -cp "$JAR" dev.tandem.bench.soak.Soak --out "$OUT" ${QUICK:+"$QUICK"}
