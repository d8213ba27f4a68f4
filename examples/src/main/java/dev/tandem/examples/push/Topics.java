package dev.tandem.examples.push;

import dev.tandem.core.ConnectionPair;
import dev.tandem.core.SendResult;
import dev.tandem.stats.Counter;
import dev.tandem.stats.StatsPipeline;
import dev.tandem.stats.Tags;
import java.util.EnumMap;
import java.util.Map;
import java.util.Set;
import java.util.concurrent.ConcurrentHashMap;

/**
 * The push server's topic registry: topic → the pairs subscribed to it.
 *
 * <h2>Implementation notes</h2>
 * <ul>
 *   <li>Any reader thread may subscribe, unsubscribe and publish at once. Changes to one topic are
 *       serialised by {@link ConcurrentHashMap#compute} on its key, which also drops a topic when
 *       its last subscriber leaves, so topics do not pile up as clients come and go.</li>
 *   <li>{@link #publish} iterates a concurrent set without a lock. A subscriber that joins or
 *       leaves during a publish may or may not get that message (benign: no ordering between them
 *       was promised).</li>
 *   <li>{@link ConnectionPair#send} never blocks, so a publish costs one queue offer per
 *       subscriber whatever the subscribers do: a slow one overflows its own bounded queue and
 *       is closed ({@link SendResult#OVERFLOW}), it never holds up the publisher.</li>
 * </ul>
 *
 * <p>Metrics (exact, in the pipeline): {@code push.published}, {@code push.deliveries{result}}
 * ({@code accepted}, {@code closed}, {@code overflow}: the {@link SendResult} of each send) and the
 * gauge {@code push.topics}.
 */
public final class Topics {
    private final ConcurrentHashMap<String, Set<ConnectionPair<String>>> subscribers = new ConcurrentHashMap<>();
    private final Counter published;
    private final Map<SendResult, Counter> deliveries = new EnumMap<>(SendResult.class);

    Topics(StatsPipeline stats) {
        this.published = stats.counter("push.published", Tags.empty());
        for (SendResult r : SendResult.values()) {
            deliveries.put(r, stats.counter("push.deliveries", Tags.of("result", r.name().toLowerCase(java.util.Locale.ROOT))));
        }
        stats.gauge("push.topics", Tags.empty(), subscribers::size);
    }

    /** Adds {@code pair} to {@code topic}; false if it was already there. */
    boolean subscribe(String topic, ConnectionPair<String> pair) {
        boolean[] added = new boolean[1];
        subscribers.compute(topic, (t, set) -> {
            Set<ConnectionPair<String>> s = set != null ? set : ConcurrentHashMap.newKeySet();
            added[0] = s.add(pair);
            return s;
        });
        return added[0];
    }

    /** Removes {@code pair} from {@code topic}, and the topic once it has no subscriber. */
    boolean unsubscribe(String topic, ConnectionPair<String> pair) {
        boolean[] removed = new boolean[1];
        subscribers.computeIfPresent(topic, (t, set) -> {
            removed[0] = set.remove(pair);
            return set.isEmpty() ? null : set;
        });
        return removed[0];
    }

    /** Queues {@code line} for every subscriber of {@code topic}; never blocks. Returns how many accepted it. */
    int publish(String topic, String line) {
        published.increment();
        Set<ConnectionPair<String>> set = subscribers.get(topic);
        if (set == null) {
            return 0;
        }
        int accepted = 0;
        for (ConnectionPair<String> pair : set) {
            SendResult r = pair.send(line);
            deliveries.get(r).increment();
            if (r == SendResult.ACCEPTED) {
                accepted++;
            }
        }
        return accepted;
    }

    /** How many pairs are subscribed to {@code topic} now. */
    public int subscriberCount(String topic) {
        Set<ConnectionPair<String>> set = subscribers.get(topic);
        return set == null ? 0 : set.size();
    }

    /** A copy of the pairs subscribed to {@code topic} now. */
    public Set<ConnectionPair<String>> subscribers(String topic) {
        Set<ConnectionPair<String>> set = subscribers.get(topic);
        return set == null ? Set.of() : Set.copyOf(set);
    }

    /** How many topics have at least one subscriber. */
    public int topicCount() {
        return subscribers.size();
    }

    /** Sends so far that ended with {@code result} (the {@code push.deliveries} counter). */
    public long deliveries(SendResult result) {
        return deliveries.get(result).count();
    }
}
