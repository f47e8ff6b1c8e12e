package io.github.alexlab.kernel.eval;

import org.objectweb.asm.ClassReader;
import org.objectweb.asm.ClassVisitor;
import org.objectweb.asm.ClassWriter;
import org.objectweb.asm.Label;
import org.objectweb.asm.MethodVisitor;
import org.objectweb.asm.Opcodes;
import org.objectweb.asm.Type;

import java.lang.instrument.ClassFileTransformer;
import java.lang.instrument.Instrumentation;
import java.security.ProtectionDomain;
import java.util.function.ObjIntConsumer;

/**
 * Keeps a cell from ending the kernel, and every variable with it, through {@code System.exit},
 * {@code Runtime.exit} or {@code Runtime.halt}, however it gets there: called directly, through
 * reflection, a method reference or a MethodHandle, or by a library's main() that ends in
 * System.exit. (JDK 24 removed the SecurityManager, which used to be the way.)
 * <p>
 * It is a Java agent ({@code -javaagent:} in the kernelspec, Premain-Class in the kernel jar's
 * manifest): before the kernel starts, it rewrites java.lang.Runtime's exit and halt (System.exit
 * calls Runtime.exit) so that each first asks the guard. Runtime is loaded by the boot class
 * loader, which cannot see our classes; so the rewritten methods find the guard among the system
 * properties, as an {@link ObjIntConsumer} (a JDK type), and go on as before when there is none.
 * The guard refuses once cells run ({@link #guardCells}), and lets the kernel's own shutdown
 * through ({@link #allowKernelExit}).
 */
public final class ExitGuard implements ObjIntConsumer<String> {
    /** The system property under which the rewritten Runtime methods find the guard. */
    static final String PROPERTY = "alexlab.exitGuard";
    private static final ExitGuard GUARD = new ExitGuard();

    private volatile boolean cellsRun, kernelExits;

    private ExitGuard() {}

    /** Thrown where a cell asked the JVM to exit. */
    public static final class KernelExitException extends RuntimeException {
        public KernelExitException(String call, int status) {
            super(call + "(" + status + ") was not run: it would end the kernel and lose every variable. "
                    + "To start afresh, use Kernel > Restart.");
        }
    }

    /** The agent's entry point, run before the kernel's main. */
    public static void premain(String arguments, Instrumentation instrumentation) throws Exception {
        System.getProperties().put(PROPERTY, GUARD);
        ClassFileTransformer transformer = new ClassFileTransformer() {
            @Override
            public byte[] transform(Module module, ClassLoader loader, String className, Class<?> redefined,
                                    ProtectionDomain domain, byte[] classFile) {
                return "java/lang/Runtime".equals(className) ? guardExitAndHalt(classFile) : null;
            }
        };
        instrumentation.addTransformer(transformer, true);
        try {
            instrumentation.retransformClasses(Runtime.class);
        } finally {
            instrumentation.removeTransformer(transformer);
        }
    }

    /** From now on, exit and halt are refused: cells run in this JVM. */
    public static void guardCells() {
        GUARD.cellsRun = true;
    }

    /** The kernel itself is shutting down: exit and halt go through again. */
    public static void allowKernelExit() {
        GUARD.kernelExits = true;
    }

    /** Called by the rewritten Runtime.exit and Runtime.halt, with "exit" or "halt" and the status. */
    @Override
    public void accept(String method, int status) {
        if (cellsRun && !kernelExits)
            throw new KernelExitException(callerName(method), status);
    }

    /** "System.exit" when that is what was called, else "Runtime.exit" or "Runtime.halt". */
    private static String callerName(String method) {
        boolean viaSystem = StackWalker.getInstance().walk(frames -> frames.anyMatch(
                f -> f.getClassName().equals("java.lang.System") && f.getMethodName().equals("exit")));
        return viaSystem ? "System.exit" : "Runtime." + method;
    }

    /**
     * java.lang.Runtime's class file (or any with such methods) with this at the start of exit(int) and halt(int):
     * <pre>
     *     if (System.getProperties().get(PROPERTY) instanceof ObjIntConsumer guard)
     *         guard.accept("exit", status);   // or "halt"; it throws to refuse
     * </pre>
     */
    static byte[] guardExitAndHalt(byte[] runtimeClass) {
        ClassReader reader = new ClassReader(runtimeClass);
        ClassWriter writer = new ClassWriter(reader, ClassWriter.COMPUTE_MAXS);
        reader.accept(new ClassVisitor(Opcodes.ASM9, writer) {
            @Override
            public MethodVisitor visitMethod(int access, String name, String desc, String signature, String[] exceptions) {
                MethodVisitor method = super.visitMethod(access, name, desc, signature, exceptions);
                if (!(name.equals("exit") || name.equals("halt")) || !desc.equals("(I)V"))
                    return method;
                return new MethodVisitor(Opcodes.ASM9, method) {
                    @Override
                    public void visitCode() {
                        super.visitCode();
                        askTheGuard(mv, reader.getClassName(), name);
                    }
                };
            }
        }, ClassReader.EXPAND_FRAMES); // expanded frames: the two frames added below are written out in full
        return writer.toByteArray();
    }

    private static void askTheGuard(MethodVisitor mv, String owner, String method) {
        String consumer = Type.getInternalName(ObjIntConsumer.class);
        Object[] locals = {owner, Opcodes.INTEGER};
        Label noGuard = new Label(), asked = new Label();
        mv.visitMethodInsn(Opcodes.INVOKESTATIC, "java/lang/System", "getProperties", "()Ljava/util/Properties;", false);
        mv.visitLdcInsn(PROPERTY);
        mv.visitMethodInsn(Opcodes.INVOKEVIRTUAL, "java/util/Properties", "get", "(Ljava/lang/Object;)Ljava/lang/Object;", false);
        mv.visitInsn(Opcodes.DUP);
        mv.visitTypeInsn(Opcodes.INSTANCEOF, consumer);
        mv.visitJumpInsn(Opcodes.IFEQ, noGuard);
        mv.visitTypeInsn(Opcodes.CHECKCAST, consumer);
        mv.visitLdcInsn(method);
        mv.visitVarInsn(Opcodes.ILOAD, 1);
        mv.visitMethodInsn(Opcodes.INVOKEINTERFACE, consumer, "accept", "(Ljava/lang/Object;I)V", true);
        mv.visitJumpInsn(Opcodes.GOTO, asked);
        mv.visitLabel(noGuard);
        mv.visitFrame(Opcodes.F_NEW, 2, locals, 1, new Object[]{"java/lang/Object"});
        mv.visitInsn(Opcodes.POP);
        mv.visitLabel(asked);
        mv.visitFrame(Opcodes.F_NEW, 2, locals, 0, new Object[0]);
    }
}
