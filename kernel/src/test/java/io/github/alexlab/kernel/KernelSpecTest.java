package io.github.alexlab.kernel;

import org.junit.jupiter.api.Test;

import static org.junit.jupiter.api.Assertions.assertFalse;
import static org.junit.jupiter.api.Assertions.assertTrue;

class KernelSpecTest {
    @Test
    void theUnsafeFlagOnlyForJavasThatKnowIt() {
        assertFalse(KernelSpec.jvmFlags(17).contains(KernelSpec.UNSAFE_FLAG), "JDK 17 refuses to start with it");
        assertFalse(KernelSpec.jvmFlags(21).contains(KernelSpec.UNSAFE_FLAG));
        assertTrue(KernelSpec.jvmFlags(23).contains(KernelSpec.UNSAFE_FLAG));
        assertTrue(KernelSpec.jvmFlags(25).contains(KernelSpec.UNSAFE_FLAG));
        assertTrue(KernelSpec.jvmFlags(25).containsAll(KernelSpec.JVM_FLAGS));
    }
}
