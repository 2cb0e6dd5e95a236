package io.nebula.resource;

import org.junit.jupiter.api.Test;

import java.util.List;

import static org.assertj.core.api.Assertions.assertThat;

class PoolSnapshotTest {

    @Test
    void sumAddsEveryFigure() {
        PoolSnapshot sum = PoolSnapshot.sum(List.of(new PoolSnapshot(3, 1, 2, 0, 1, 5), new PoolSnapshot(4, 4, 0, 2, 2, 4)));
        assertThat(sum).isEqualTo(new PoolSnapshot(7, 5, 2, 2, 3, 9));
        assertThat(sum.utilization()).isEqualTo(5 / 9.0);
        assertThat(PoolSnapshot.sum(List.of())).isEqualTo(new PoolSnapshot(0, 0, 0, 0, 0, 0));
    }
}
