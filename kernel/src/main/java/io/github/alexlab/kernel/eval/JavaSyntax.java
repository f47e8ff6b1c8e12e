package io.github.alexlab.kernel.eval;

import com.sun.source.util.JavacTask;

import javax.tools.Diagnostic;
import javax.tools.DiagnosticCollector;
import javax.tools.JavaCompiler;
import javax.tools.JavaFileObject;
import javax.tools.SimpleJavaFileObject;
import javax.tools.ToolProvider;
import java.io.IOException;
import java.io.Writer;
import java.net.URI;
import java.util.List;

/**
 * Whether code is well-formed Java, by javac's parser alone: nothing is compiled, so names need
 * not exist yet. JShell's own analysis only tells where a snippet ends, and takes {@code int 3x = 1;}
 * for a complete one.
 */
final class JavaSyntax {
    private static final JavaCompiler JAVAC = ToolProvider.getSystemJavaCompiler();

    private JavaSyntax() {}

    /** True when the snippet parses as any of what a cell may hold: statements, members, an expression, imports. */
    static boolean parses(String snippet) {
        String code = snippet.strip();
        String expression = code.endsWith(";") ? code.substring(0, code.length() - 1) : code;
        return parsesAsFile("class Cell { void run() throws Throwable {\n" + code + "\n} }")
                || parsesAsFile("class Cell {\n" + code + "\n}")
                || parsesAsFile("class Cell { Object value =\n" + expression + "\n; }")
                || parsesAsFile(code);
    }

    private static boolean parsesAsFile(String source) {
        JavaFileObject file = new SimpleJavaFileObject(URI.create("string:///Cell.java"), JavaFileObject.Kind.SOURCE) {
            @Override
            public CharSequence getCharContent(boolean ignoreEncodingErrors) {
                return source;
            }
        };
        DiagnosticCollector<JavaFileObject> problems = new DiagnosticCollector<>();
        JavacTask task = (JavacTask) JAVAC.getTask(Writer.nullWriter(), null, problems, List.of("-proc:none"), null,
                List.of(file));
        try {
            task.parse();
        } catch (IOException | RuntimeException cannotParse) {
            return false;
        }
        return problems.getDiagnostics().stream().noneMatch(d -> d.getKind() == Diagnostic.Kind.ERROR);
    }
}
