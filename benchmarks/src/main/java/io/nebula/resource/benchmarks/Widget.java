package io.nebula.resource.benchmarks;

/**
 * The trivial pooled object every object pool hands out in the hit-cycle benchmarks: it costs nothing
 * to create, check or reset, so what is measured is the pool's own acquire and release.
 */
public final class Widget {
}
