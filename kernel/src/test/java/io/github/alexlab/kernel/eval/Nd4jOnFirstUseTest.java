package io.github.alexlab.kernel.eval;

import org.junit.jupiter.api.Test;

import javax.tools.DiagnosticCollector;
import javax.tools.FileObject;
import javax.tools.ForwardingJavaFileManager;
import javax.tools.JavaCompiler;
import javax.tools.JavaFileObject;
import javax.tools.SimpleJavaFileObject;
import javax.tools.ToolProvider;
import java.io.ByteArrayOutputStream;
import java.io.OutputStream;
import java.net.URI;
import java.util.List;

import static org.junit.jupiter.api.Assertions.*;

/** Which compiled cells start ND4J: those that name ND4J, JavaCPP or AlexLab's library outside the kernel. */
class Nd4jOnFirstUseTest {
    @Test
    void classesThatNameTensorsStartNd4jAndOthersDoNot() {
        assertTrue(Nd4jOnFirstUse.namesNd4j(compile("class A { Object a = org.nd4j.linalg.factory.Nd4j.ones(2); }")));
        assertTrue(Nd4jOnFirstUse.namesNd4j(compile("class B { int b(org.nd4j.linalg.api.ndarray.INDArray x) { return 1; } }")),
                "a type in a method's signature");
        assertTrue(Nd4jOnFirstUse.namesNd4j(compile("class C { Object c = io.github.alexlab.models.LeNet5.modern(); }")),
                "AlexLab's building blocks run on ND4J");
        assertFalse(Nd4jOnFirstUse.namesNd4j(compile("class D { int d = 1 + 1; String s = java.util.List.of(d).toString(); }")));
        assertFalse(Nd4jOnFirstUse.namesNd4j(compile("class E { void e() { io.github.alexlab.kernel.Notebook.html(\"<b>hi</b>\"); } }")),
                "the kernel's own display(), html(), check()");
    }

    /** The class file javac makes of {@code source}, a single top-level class, against the test's class path. */
    private static byte[] compile(String source) {
        JavaCompiler javac = ToolProvider.getSystemJavaCompiler();
        ByteArrayOutputStream classFile = new ByteArrayOutputStream();
        var files = new ForwardingJavaFileManager<>(javac.getStandardFileManager(null, null, null)) {
            @Override
            public JavaFileObject getJavaFileForOutput(Location location, String name, JavaFileObject.Kind kind, FileObject sibling) {
                return new SimpleJavaFileObject(URI.create("mem:///" + name + ".class"), kind) {
                    @Override
                    public OutputStream openOutputStream() {
                        return classFile;
                    }
                };
            }
        };
        String name = source.split("\\s+")[1];
        var unit = new SimpleJavaFileObject(URI.create("mem:///" + name + ".java"), JavaFileObject.Kind.SOURCE) {
            @Override
            public CharSequence getCharContent(boolean ignoreEncodingErrors) {
                return source;
            }
        };
        var errors = new DiagnosticCollector<JavaFileObject>();
        boolean compiled = javac.getTask(null, files, errors, List.of("-cp", System.getProperty("java.class.path")), null,
                List.of(unit)).call();
        assertTrue(compiled, errors.getDiagnostics().toString());
        return classFile.toByteArray();
    }
}
