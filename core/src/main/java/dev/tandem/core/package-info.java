/**
 * Tandem's core: {@link dev.tandem.core.ConnectionPair} ties a connection's reader and writer
 * lifecycles together with cleanup that always completes, and
 * {@link dev.tandem.core.ConnectionManager} owns the pairs, their deadlines, counts, dump and
 * shutdown. Guarantees G1–G9 are listed in {@code docs/connection-pair.md}.
 */
package dev.tandem.core;
