package io.nebula.resource.spi;

import org.junit.jupiter.api.Test;

import java.util.ArrayList;
import java.util.List;
import java.util.concurrent.atomic.AtomicInteger;

import static org.assertj.core.api.Assertions.assertThat;

class SharedBackendTest {

    /** A backend object that can be lost (the broker closes it). */
    static final class Link {
        final int id;
        boolean open = true;

        Link(int id) {
            this.id = id;
        }
    }

    private final AtomicInteger opened = new AtomicInteger();
    private final List<Integer> closed = new ArrayList<>();
    private final SharedBackend<Link> backend = new SharedBackend<>(l -> l.open, l -> closed.add(l.id));

    private Link retain() throws Exception {
        return backend.retain(() -> new Link(opened.incrementAndGet()));
    }

    @Test
    void aShutdownWaitsForTheLastUserAndTheNextUseOpensAgain() throws Exception {
        Link first = retain();
        assertThat(retain()).as("shared").isSameAs(first);

        backend.shutdown();
        backend.release();
        assertThat(closed).as("one user left").isEmpty();
        backend.release();
        assertThat(closed).containsExactly(1);
        assertThat(backend.current()).isNull();

        assertThat(retain().id).as("a use after the shutdown opens a new one").isEqualTo(2);
    }

    @Test
    void aShutdownWithNoUserClosesAtOnceAndALostObjectIsReplaced() throws Exception {
        Link first = retain();
        first.open = false;
        assertThat(backend.current()).isNull();
        assertThat(retain().id).isEqualTo(2);
        backend.release();
        backend.release();

        backend.shutdown();
        assertThat(closed).containsExactly(2);
    }
}
