package dev.tandem.bench.scale;

import java.lang.invoke.MethodHandle;
import java.lang.invoke.MethodHandles;
import java.lang.invoke.MethodType;
import java.util.concurrent.ThreadFactory;

/**
 * Thread factories for the bare baselines, the same kinds Tandem uses: unnamed virtual threads
 * ({@code Thread.ofVirtual().factory()}, looked up at run time: the benchmarks are Java 17
 * bytecode like the library) or platform daemon threads.
 */
final class Threads {
    private Threads() {}

    static boolean virtualSupported() {
        try {
            Thread.class.getMethod("ofVirtual");
            return true;
        } catch (NoSuchMethodException e) {
            return false;
        }
    }

    static ThreadFactory factory(boolean virtual) {
        if (!virtual) {
            return r -> {
                Thread t = new Thread(r);
                t.setDaemon(true);
                return t;
            };
        }
        try {
            MethodHandles.Lookup lookup = MethodHandles.publicLookup();
            Class<?> ofVirtual = Class.forName("java.lang.Thread$Builder$OfVirtual");
            MethodHandle builder = lookup.findStatic(Thread.class, "ofVirtual", MethodType.methodType(ofVirtual));
            MethodHandle factory = lookup.findVirtual(Class.forName("java.lang.Thread$Builder"), "factory",
                    MethodType.methodType(ThreadFactory.class));
            return (ThreadFactory) factory.invoke(builder.invoke());
        } catch (Throwable e) {
            throw new IllegalStateException("virtual threads need JDK 21+; this is " + Runtime.version(), e);
        }
    }
}
