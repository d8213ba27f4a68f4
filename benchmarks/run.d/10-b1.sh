#!/usr/bin/env bash
# B1, the hot path (JMH): recording an event and incrementing a counter, Tandem against the queues
# and counters a user would pick instead. About 16 minutes at full size on 2 cores; seconds with
# --quick. Called by benchmarks/run.sh with JAR, OUT and QUICK set. Runs on the default JDK (17):
# B1 needs no virtual threads. Writes $OUT/b1.md, and JMH's raw results per producer count N (1, 2):
# $OUT/b1-tN.json (counters, yardsticks, bursts), $OUT/b1-tN-other.json (recording an event into
# the queues no target compares) and $OUT/b1-tN-forked.json (into those the targets compare, in 6
# forks: Tandem with mpsc_prebuilt at 1, with ArrayBlockingQueue.offer at 2), with its logs
# $OUT/b1-jmh-t*.log.
set -euo pipefail
# shellcheck disable=SC2086 # QUICK is empty or one word
java -cp "$JAR" dev.tandem.bench.hotpath.HotPath --out "$OUT" $QUICK
