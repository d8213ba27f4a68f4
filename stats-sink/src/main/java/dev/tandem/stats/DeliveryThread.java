package dev.tandem.stats;

/**
 * A sink's delivery thread. Its own class so that {@link StatsPipeline} can tell, in one type
 * check, that a recording call comes from inside a sink (re-entrance) and must be dropped.
 */
final class DeliveryThread extends Thread {
    DeliveryThread(String name, Runnable loop) {
        super(null, loop, name);
        setDaemon(true);
    }
}
