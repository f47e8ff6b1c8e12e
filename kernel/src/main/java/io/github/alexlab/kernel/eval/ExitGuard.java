package io.github.alexlab.kernel.eval;

import org.objectweb.asm.ClassReader;
import org.objectweb.asm.ClassVisitor;
import org.objectweb.asm.ClassWriter;
import org.objectweb.asm.MethodVisitor;
import org.objectweb.asm.Opcodes;
import org.objectweb.asm.Type;

/**
 * Keeps {@code System.exit}, {@code Runtime.exit} and {@code Runtime.halt} in a cell from ending the
 * kernel: calls to them in snippet classes are rewritten to throw {@link KernelExitException} instead.
 * (JDK 24 removed the SecurityManager, so rewriting the call is the way that works on every JDK.)
 */
public final class ExitGuard {
    private static final String GUARD = Type.getInternalName(ExitGuard.class);

    private ExitGuard() {}

    /** Thrown where a cell asked the JVM to exit. */
    public static final class KernelExitException extends RuntimeException {
        public KernelExitException(String call, int status) {
            super(call + "(" + status + ") was not run: it would end the kernel and lose every variable. "
                    + "To start afresh, use Kernel > Restart.");
        }
    }

    public static void exit(int status) {
        throw new KernelExitException("System.exit", status);
    }

    public static void runtimeExit(Runtime runtime, int status) {
        throw new KernelExitException("Runtime.exit", status);
    }

    public static void runtimeHalt(Runtime runtime, int status) {
        throw new KernelExitException("Runtime.halt", status);
    }

    static byte[] rewrite(byte[] classFile) {
        ClassReader reader;
        try {
            reader = new ClassReader(classFile);
        } catch (IllegalArgumentException newerClassFormat) {
            return classFile; // a JDK newer than our ASM knows: run unguarded rather than not at all
        }
        ClassWriter writer = new ClassWriter(reader, 0);
        reader.accept(new ClassVisitor(Opcodes.ASM9, writer) {
            @Override
            public MethodVisitor visitMethod(int access, String name, String desc, String signature, String[] exceptions) {
                return new MethodVisitor(Opcodes.ASM9, super.visitMethod(access, name, desc, signature, exceptions)) {
                    @Override
                    public void visitMethodInsn(int opcode, String owner, String method, String descriptor, boolean isInterface) {
                        if (opcode == Opcodes.INVOKESTATIC && owner.equals("java/lang/System") && method.equals("exit"))
                            super.visitMethodInsn(Opcodes.INVOKESTATIC, GUARD, "exit", "(I)V", false);
                        else if (opcode == Opcodes.INVOKEVIRTUAL && owner.equals("java/lang/Runtime")
                                && (method.equals("exit") || method.equals("halt")))
                            super.visitMethodInsn(Opcodes.INVOKESTATIC, GUARD,
                                    method.equals("exit") ? "runtimeExit" : "runtimeHalt", "(Ljava/lang/Runtime;I)V", false);
                        else
                            super.visitMethodInsn(opcode, owner, method, descriptor, isInterface);
                    }
                };
            }
        }, 0);
        return writer.toByteArray();
    }
}
