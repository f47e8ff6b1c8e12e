package io.github.alexlab.nn;

import org.junit.platform.launcher.LauncherSession;
import org.junit.platform.launcher.LauncherSessionListener;

/** Before any test loads ND4J: the same native build as the kernel picks ({@link CpuEngine#choose()}). */
public final class ChooseCpuEngine implements LauncherSessionListener {
    @Override
    public void launcherSessionOpened(LauncherSession session) {
        CpuEngine.choose();
    }
}
