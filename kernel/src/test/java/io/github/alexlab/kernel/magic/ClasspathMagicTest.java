package io.github.alexlab.kernel.magic;

import org.junit.jupiter.api.Test;

import java.nio.file.Path;
import java.util.List;
import java.util.stream.IntStream;

import static org.junit.jupiter.api.Assertions.assertEquals;
import static org.junit.jupiter.api.Assertions.assertTrue;

class ClasspathMagicTest {
    @Test
    void theListingSaysEachFolderOnceAndSortsItsFiles() {
        Path lib = Path.of("/opt/course/lib"), classes = Path.of("/home/student/classes");
        List<Path> entries = List.of(lib.resolve("zstd-jni-1.5.jar"), lib.resolve("Annotations-3.0.jar"),
                classes, lib.resolve("commons-io-2.15.jar"));
        String listing = ClasspathMagic.listing(entries);
        assertEquals("""
                4 entries on the classpath.
                /home/student (1):
                  classes
                /opt/course/lib (3):
                  Annotations-3.0.jar, commons-io-2.15.jar, zstd-jni-1.5.jar
                """, listing);
    }

    @Test
    void manyJarsWrapIntoShortLines() {
        Path lib = Path.of("/opt/course/lib");
        List<Path> entries = IntStream.range(0, 57)
                .mapToObj(i -> lib.resolve(String.format("library-%02d-1.0.jar", 56 - i))).toList();
        String[] lines = ClasspathMagic.listing(entries).split("\n");
        assertEquals("57 entries on the classpath.", lines[0]);
        assertEquals("/opt/course/lib (57):", lines[1]);
        assertEquals(1, ClasspathMagic.listing(entries).split("/opt/course/lib", -1).length - 1, "the folder said once");
        assertTrue(lines.length < 20, lines.length + " lines");
        for (String line : lines)
            assertTrue(line.length() <= 100, line);
        assertTrue(lines[2].startsWith("  library-00-1.0.jar, library-01-1.0.jar"), lines[2]);
    }
}
