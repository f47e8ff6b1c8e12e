package io.github.alexlab.train;

import java.util.UUID;

/**
 * Where training shows how it goes while it runs: in a notebook a progress bar and curves redrawn
 * in place; in a plain program (or a test) printed lines. The kernel installs its notebook display
 * when it starts ({@link #use}); train cannot reach the kernel itself, which sits above it.
 */
public interface LiveDisplay {
    /** Whether {@link #update} redraws what {@link #show} showed (a notebook), so a progress bar is worth sending. */
    boolean redrawsInPlace();

    /** Shows {@code value} now and returns the id to update it by. */
    String show(Object value);

    /** Replaces what {@link #show} showed under {@code id}. */
    void update(String id, Object value);

    /** Printed lines: each show or update prints the value's text. */
    LiveDisplay PRINTED = new LiveDisplay() {
        @Override
        public boolean redrawsInPlace() {
            return false;
        }

        @Override
        public String show(Object value) {
            System.out.println(value);
            return UUID.randomUUID().toString();
        }

        @Override
        public void update(String id, Object value) {
            System.out.println(value);
        }
    };

    /** The display in use: the notebook's inside the kernel, else {@link #PRINTED}. */
    static LiveDisplay current() {
        return Installed.display;
    }

    /** Makes {@code display} the one training uses; null goes back to {@link #PRINTED}. */
    static void use(LiveDisplay display) {
        Installed.display = display == null ? PRINTED : display;
    }

    /** Holds the display in use (an interface cannot have a mutable field of its own). */
    final class Installed {
        private static volatile LiveDisplay display = PRINTED;

        private Installed() {}
    }
}
