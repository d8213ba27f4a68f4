package dev.tandem.bench.scale;

import java.util.concurrent.atomic.LongAdder;

/**
 * What every connection of one B4 run reports: threads that entered their blocking call, threads
 * that left it, resources closed. Shared by all of them and only counting, so that the harness can
 * wait for "all blocked" and "all ended" without holding a reference to any thread.
 */
final class Tally {
    final LongAdder blocked = new LongAdder();
    final LongAdder ended = new LongAdder();
    final LongAdder closed = new LongAdder();
}
