package io.github.alexlab.kernel.eval;

import org.junit.jupiter.api.AfterEach;
import org.junit.jupiter.api.Test;

import java.io.InputStream;
import java.lang.reflect.InvocationTargetException;
import java.lang.reflect.Method;
import java.util.function.ObjIntConsumer;

import static org.junit.jupiter.api.Assertions.assertEquals;
import static org.junit.jupiter.api.Assertions.assertInstanceOf;
import static org.junit.jupiter.api.Assertions.assertThrows;
import static org.junit.jupiter.api.Assertions.assertTrue;

/**
 * The rewrite ExitGuard applies to java.lang.Runtime, applied here to a class with the same two
 * methods (this JVM's Runtime cannot be redefined without the agent): the class still verifies,
 * asks the guard first, and runs as before when there is none. The kernel's protocol tests cover
 * the agent itself (test_lifecycle.py).
 */
class ExitGuardTest {
    /** Stands in for java.lang.Runtime: records what got through. */
    public static final class Exits {
        public static int lastStatus = -1;

        public void exit(int status) {
            lastStatus = status;
        }

        public void halt(int status) {
            lastStatus = 100 + status;
        }
    }

    @AfterEach
    void removeGuard() {
        System.getProperties().remove(ExitGuard.PROPERTY);
    }

    private static Object guarded() throws Exception {
        String resource = "/" + Exits.class.getName().replace('.', '/') + ".class";
        byte[] original;
        try (InputStream in = ExitGuardTest.class.getResourceAsStream(resource)) {
            original = in.readAllBytes();
        }
        byte[] rewritten = ExitGuard.guardExitAndHalt(original);
        Class<?> type = new ClassLoader(ExitGuardTest.class.getClassLoader()) {
            Class<?> define() {
                return defineClass(Exits.class.getName(), rewritten, 0, rewritten.length);
            }
        }.define();
        return type.getConstructor().newInstance();
    }

    private static Throwable call(Object exits, String method, int status) throws Exception {
        Method m = exits.getClass().getMethod(method, int.class);
        try {
            m.invoke(exits, status);
            return null;
        } catch (InvocationTargetException e) {
            return e.getCause();
        }
    }

    @Test
    void withoutAGuardExitAndHaltRunAsBefore() throws Exception {
        Object exits = guarded();
        assertEquals(null, call(exits, "exit", 3));
        assertEquals(null, call(exits, "halt", 4));
    }

    @Test
    void theGuardIsAskedFirstAndCanRefuse() throws Exception {
        Object exits = guarded();
        StringBuilder asked = new StringBuilder();
        System.getProperties().put(ExitGuard.PROPERTY, (ObjIntConsumer<String>) (method, status) -> {
            asked.append(method).append(status).append(' ');
            if (status != 0)
                throw new ExitGuard.KernelExitException("Runtime." + method, status);
        });
        assertEquals(null, call(exits, "exit", 0));
        Throwable refused = call(exits, "halt", 2);
        assertInstanceOf(ExitGuard.KernelExitException.class, refused);
        assertTrue(refused.getMessage().startsWith("Runtime.halt(2) was not run: it would end the kernel"), refused.getMessage());
        assertEquals("exit0 halt2 ", asked.toString());
    }
}
