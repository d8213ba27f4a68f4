package dev.tandem.bench.churn;

import java.lang.invoke.MethodHandle;
import java.lang.invoke.MethodHandles;
import java.lang.invoke.MethodType;
import java.util.concurrent.ThreadFactory;
import java.util.concurrent.atomic.AtomicLong;

/** Thread factories for the bare servers (B2, B3, B6): platform daemon threads, or virtual threads on JDK 21+ (found at run time). */
public final class Threads {
    private Threads() {}

    public static ThreadFactory platform(String prefix) {
        AtomicLong n = new AtomicLong();
        return r -> {
            Thread t = new Thread(r, prefix + n.incrementAndGet());
            t.setDaemon(true);
            return t;
        };
    }

    /**
     * {@code Thread.ofVirtual().name(prefix, 1).factory()}, called reflectively: the benchmarks are
     * Java 17 bytecode like the library.
     *
     * @throws IllegalStateException on a JDK without virtual threads
     */
    public static ThreadFactory virtual(String prefix) {
        try {
            Class<?> ofVirtual = Class.forName("java.lang.Thread$Builder$OfVirtual");
            Class<?> builder = Class.forName("java.lang.Thread$Builder");
            MethodHandles.Lookup lookup = MethodHandles.publicLookup();
            MethodHandle create = lookup.findStatic(Thread.class, "ofVirtual", MethodType.methodType(ofVirtual));
            MethodHandle name = lookup.findVirtual(builder, "name", MethodType.methodType(builder, String.class, long.class));
            MethodHandle factory = lookup.findVirtual(builder, "factory", MethodType.methodType(ThreadFactory.class));
            Object b = create.invoke();
            b = name.invoke(b, prefix, 1L);
            return (ThreadFactory) factory.invoke(b);
        } catch (ReflectiveOperationException e) {
            throw new IllegalStateException("virtual threads need JDK 21+ (this is " + System.getProperty("java.version") + ")", e);
        } catch (Throwable t) {
            throw new IllegalStateException("could not make a virtual thread factory", t);
        }
    }
}
