/**
 * B1, the hot path: what recording an event and incrementing a counter cost the calling thread,
 * measured with JMH against what a user would pick instead ({@link dev.tandem.bench.hotpath.HotPath}
 * runs it all; docs/benchmarks.md, section B1, describes the method).
 */
package dev.tandem.bench.hotpath;
