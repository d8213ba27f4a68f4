/**
 * A line-protocol TCP push server built on Tandem's connection manager: {@link
 * dev.tandem.examples.push.PushServer} accepts clients, {@link dev.tandem.examples.push.PushSession}
 * speaks the protocol ({@code SUB}, {@code UNSUB}, {@code PUB}, {@code PING}) and {@link
 * dev.tandem.examples.push.Topics} fans messages out without ever blocking on a subscriber.
 *
 * <p>Run it from the repository root (Ctrl-C stops it and prints the shutdown report):
 *
 * <pre>
 * mvn -B -q -Pdemo -pl examples -am -DskipTests package \
 *     -Ddemo.main=dev.tandem.examples.push.PushServer -Ddemo.args="--virtual"
 * </pre>
 *
 * then talk to it with {@code nc 127.0.0.1 7070} and read {@code /tandem/pairs} at the printed
 * diagnostics address.
 */
package dev.tandem.examples.push;
