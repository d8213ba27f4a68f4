package dev.tandem.core;

import java.lang.invoke.MethodHandle;
import java.lang.invoke.MethodHandles;
import java.lang.invoke.MethodType;
import java.util.concurrent.ThreadFactory;

/**
 * Virtual threads, found at run time: Tandem is compiled for Java 17 and uses
 * {@code Thread.ofVirtual().factory()} only when the running JDK has it (21+).
 */
final class VirtualThreads {
    private static final MethodHandle FACTORY = find();

    private VirtualThreads() {}

    private static MethodHandle find() {
        try {
            MethodHandles.Lookup lookup = MethodHandles.publicLookup();
            Class<?> builder = Class.forName("java.lang.Thread$Builder$OfVirtual");
            MethodHandle ofVirtual = lookup.findStatic(Thread.class, "ofVirtual", MethodType.methodType(builder));
            MethodHandle factory = lookup.findVirtual(Class.forName("java.lang.Thread$Builder"), "factory",
                    MethodType.methodType(ThreadFactory.class));
            return MethodHandles.filterReturnValue(ofVirtual, factory.asType(
                    MethodType.methodType(ThreadFactory.class, builder)));
        } catch (ReflectiveOperationException | RuntimeException absent) {
            return null;
        }
    }

    static boolean supported() {
        return FACTORY != null;
    }

    static ThreadFactory factory() {
        if (FACTORY == null) {
            throw new IllegalStateException("virtual threads need JDK 21 or newer; this is Java "
                    + Runtime.version().feature());
        }
        try {
            return (ThreadFactory) FACTORY.invoke();
        } catch (Throwable t) {
            throw new IllegalStateException("could not create a virtual thread factory", t);
        }
    }
}
