package dev.tandem.stats.statsd;

import dev.tandem.stats.statsd.StatsdFormat.MetricId;
import java.io.IOException;
import java.nio.ByteBuffer;
import java.nio.charset.StandardCharsets;
import java.util.ArrayList;
import java.util.Arrays;
import java.util.Map;
import java.util.concurrent.atomic.AtomicLong;

/**
 * Packs StatsD lines into datagrams of at most {@code maxPacketSize} bytes, sends each without
 * blocking, and keeps the books of what went out.
 *
 * <p>Implementation notes: used only on the sink's delivery thread; the {@link AtomicLong}
 * totals have that single writer and are read by any thread. A <em>group</em> is the lines of
 * one event, or of one metric: it goes into one datagram whole (a group bigger than a datagram
 * is spread line by line, and a line bigger than a datagram is skipped and counted). Per
 * datagram the writer remembers how many events it completes and, for delta counters, which
 * totals it carries; only when the datagram is handed to the kernel are those events counted as
 * sent and those totals recorded as the last ones sent. A datagram refused because the socket
 * buffer is full is dropped and counted, and the writer goes on (never waits); a send that
 * throws is counted and ends the publish, so the caller can report the failure.
 */
final class PacketWriter {
    private final ByteBuffer packet;
    private final Map<MetricId, Long> lastSentTotals;

    final AtomicLong packetsSent = new AtomicLong();
    final AtomicLong packetsWouldBlock = new AtomicLong();
    final AtomicLong packetsSendError = new AtomicLong();
    final AtomicLong linesSkipped = new AtomicLong();
    final AtomicLong eventsSent = new AtomicLong();
    final AtomicLong eventsUnsent = new AtomicLong();

    private DatagramTransport transport;
    /** Events whose datagrams were all handed to the kernel or dropped, since {@link #begin}. */
    private int eventsDone;
    /** Events whose last line is in the current datagram. */
    private int packetEvents;
    /** True while an event bigger than a datagram is being spread; {@link #spanBroken} if a part was lost. */
    private boolean spanning;
    private boolean spanBroken;
    private final ArrayList<MetricId> pendingIds = new ArrayList<>();
    private long[] pendingTotals = new long[16];

    PacketWriter(int maxPacketSize, Map<MetricId, Long> lastSentTotals) {
        this.packet = ByteBuffer.allocate(maxPacketSize);
        this.lastSentTotals = lastSentTotals;
    }

    /** Starts a publish. */
    void begin(DatagramTransport t) {
        this.transport = t;
        this.eventsDone = 0;
        this.packetEvents = 0;
        this.spanning = false;
        this.spanBroken = false;
        this.pendingIds.clear();
        this.packet.clear();
    }

    /** Events of this publish that are settled (sent or dropped by this writer) so far. */
    int eventsDone() {
        return eventsDone;
    }

    /** The lines of one event. */
    void addEvent(CharSequence lines) throws IOException {
        add(lines, true, null, 0);
    }

    /** The lines of one metric; {@code id} non-null records {@code total} as sent once its datagram is. */
    void addMetric(CharSequence lines, MetricId id, long total) throws IOException {
        add(lines, false, id, total);
    }

    /** Counts a line the format could not write (e.g. a NaN gauge). */
    void skipped(int lines) {
        if (lines > 0) {
            linesSkipped.addAndGet(lines);
        }
    }

    /** Sends what is left. */
    void finish() throws IOException {
        flush();
        transport = null;
    }

    private void add(CharSequence lines, boolean event, MetricId id, long total) throws IOException {
        if (lines.length() == 0) {
            return;
        }
        byte[] bytes = lines.toString().getBytes(StandardCharsets.UTF_8);
        if (bytes.length <= packet.capacity()) {
            put(bytes, 0, bytes.length);
        } else {
            spread(bytes, event);
        }
        if (event) {
            if (spanning && spanBroken) {
                eventsUnsent.incrementAndGet();
                eventsDone++;
            } else {
                packetEvents++;
            }
            spanning = false;
            spanBroken = false;
        }
        if (id != null) {
            int n = pendingIds.size();
            if (n == pendingTotals.length) {
                pendingTotals = Arrays.copyOf(pendingTotals, n * 2);
            }
            pendingIds.add(id);
            pendingTotals[n] = total;
        }
    }

    /** A group bigger than a datagram: line by line, each line whole; a line too big is skipped. */
    private void spread(byte[] bytes, boolean event) throws IOException {
        spanning = event;
        int start = 0;
        for (int i = 0; i <= bytes.length; i++) {
            if (i == bytes.length || bytes[i] == '\n') {
                int len = i - start;
                if (len > packet.capacity()) {
                    linesSkipped.incrementAndGet();
                    spanBroken = event;
                } else if (len > 0) {
                    put(bytes, start, len);
                }
                start = i + 1;
            }
        }
    }

    private void put(byte[] bytes, int offset, int len) throws IOException {
        int need = packet.position() == 0 ? len : len + 1;
        if (packet.remaining() < need) {
            flush();
        }
        if (packet.position() > 0) {
            packet.put((byte) '\n');
        }
        packet.put(bytes, offset, len);
    }

    private void flush() throws IOException {
        if (packet.position() == 0) {
            return;
        }
        packet.flip();
        int sent;
        try {
            sent = transport.send(packet);
        } catch (IOException e) {
            // Not settled: the caller reports the failure and the pipeline retries these events.
            packetsSendError.incrementAndGet();
            resetPacket();
            throw e;
        }
        if (sent == 0) {
            packetsWouldBlock.incrementAndGet();
            eventsUnsent.addAndGet(packetEvents);
            if (spanning) {
                spanBroken = true;
            }
        } else {
            packetsSent.incrementAndGet();
            eventsSent.addAndGet(packetEvents);
            for (int i = 0; i < pendingIds.size(); i++) {
                lastSentTotals.put(pendingIds.get(i), pendingTotals[i]);
            }
        }
        eventsDone += packetEvents;
        resetPacket();
    }

    private void resetPacket() {
        packet.clear();
        packetEvents = 0;
        pendingIds.clear();
    }
}
