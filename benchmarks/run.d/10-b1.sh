#!/usr/bin/env bash
# B1, the hot path (JMH): recording an event and incrementing a counter, Tandem against the queues
# and counters a user would pick instead. About 14 minutes at full size on 2 cores; seconds with
# --quick. Called by benchmarks/run.sh with JAR, OUT and QUICK set. Runs on the default JDK (17):
# B1 needs no virtual threads. Writes $OUT/b1.md, and JMH's raw results $OUT/b1-t1.json,
# $OUT/b1-t2.json, $OUT/b1-t2-other.json and $OUT/b1-t2-forked.json (recording an event with two
# producers: Tandem and ArrayBlockingQueue.offer in 6 forks)
# with its logs $OUT/b1-jmh-t*.log.
set -euo pipefail
# shellcheck disable=SC2086 # QUICK is empty or one word
java -cp "$JAR" dev.tandem.bench.hotpath.HotPath --out "$OUT" $QUICK
