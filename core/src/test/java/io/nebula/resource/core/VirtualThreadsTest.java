package io.nebula.resource.core;

import org.junit.jupiter.api.Test;
import org.junit.jupiter.api.condition.EnabledForJreRange;
import org.junit.jupiter.api.condition.JRE;

import java.lang.invoke.MethodHandle;
import java.lang.invoke.MethodHandles;
import java.lang.invoke.MethodType;
import java.util.concurrent.CompletableFuture;
import java.util.concurrent.TimeUnit;

import static org.assertj.core.api.Assertions.assertThat;

/**
 * The waiter queue parks a virtual thread at once instead of spinning; it tells one by {@link VirtualThreads}, which
 * looks {@code Thread.isVirtual()} up at run time. Virtual threads exist from Java 21: on 17 the second test is skipped.
 */
class VirtualThreadsTest {

    @Test
    void aPlatformThreadIsNotVirtual() {
        assertThat(VirtualThreads.current()).isFalse();
    }

    @Test
    @EnabledForJreRange(min = JRE.JAVA_21)
    void aVirtualThreadIsToldApart() throws Throwable {
        // the tests compile for Java 17 too: Thread.startVirtualThread is looked up
        MethodHandle startVirtualThread = MethodHandles.publicLookup().findStatic(Thread.class, "startVirtualThread",
                MethodType.methodType(Thread.class, Runnable.class));
        CompletableFuture<Boolean> seen = new CompletableFuture<>();
        Thread virtual = (Thread) startVirtualThread.invoke((Runnable) () -> seen.complete(VirtualThreads.current()));
        assertThat(seen.get(10, TimeUnit.SECONDS)).isTrue();
        virtual.join();
    }
}
