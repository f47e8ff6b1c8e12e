package io.github.alexlab.kernel.magic;

import java.util.List;

/** A notebook magic: {@code %name args} on a line of its own, or {@code %%name args} heading a cell. */
public interface Magic {
    /** The names it answers to, without {@code %}. */
    List<String> names();

    /** One line for {@code %lsmagic}. */
    String summary();
}
