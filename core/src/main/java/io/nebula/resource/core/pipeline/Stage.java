package io.nebula.resource.core.pipeline;

import java.util.ArrayList;
import java.util.List;

/** A stage of the pipeline: a decorator of the {@link #next} one. Its {@code toString()} names it. */
interface Stage<T> extends Acquisition<T> {

    Acquisition<T> next();

    /** The names of the stages of {@code pipeline}, outermost first, down to (and without) its innermost step. */
    static List<String> names(Acquisition<?> pipeline) {
        List<String> names = new ArrayList<>();
        for (Acquisition<?> a = pipeline; a instanceof Stage<?> s; a = s.next()) {
            names.add(s.toString());
        }
        return names;
    }
}
