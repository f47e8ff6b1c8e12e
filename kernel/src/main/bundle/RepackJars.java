import org.objectweb.asm.ClassReader;
import org.objectweb.asm.ClassVisitor;
import org.objectweb.asm.ClassWriter;
import org.objectweb.asm.Label;
import org.objectweb.asm.MethodVisitor;
import org.objectweb.asm.Opcodes;
import org.objectweb.asm.Type;

import java.io.IOException;
import java.io.OutputStream;
import java.io.UncheckedIOException;
import java.nio.charset.StandardCharsets;
import java.nio.file.Files;
import java.nio.file.Path;
import java.util.ArrayDeque;
import java.util.ArrayList;
import java.util.Collections;
import java.util.Deque;
import java.util.HashMap;
import java.util.HashSet;
import java.util.List;
import java.util.Map;
import java.util.Set;
import java.util.TreeSet;
import java.util.regex.Matcher;
import java.util.regex.Pattern;
import java.util.zip.CRC32;
import java.util.zip.ZipEntry;
import java.util.zip.ZipFile;
import java.util.zip.ZipOutputStream;

/**
 * Copies the kernel's jars into the bundle, smaller: {@code java -cp asm.jar RepackJars.java OUT JAR...}
 * (run by {@code ./install.sh bundle}). Each jar is written with its entries stored, not deflated:
 * xz packs the whole archive better than zip packs each entry. On the way:
 * <ul>
 * <li>entries that nothing can use are left out ({@link #keep}: CUDA bindings we do not call, ICU
 * beyond charset detection, C headers, OpenBLAS's full-LAPACK binding (ND4J calls only LAPACKE),
 * JNA's native library for other systems than Linux x86-64: -0.6 MiB);</li>
 * <li>library classes lose their debug attributes ({@link #stripDebug}: line numbers, source file
 * names, local variable names except the parameters'), as {@code jlink --strip-debug} does for the
 * Java runtime (-3.2 MiB);</li>
 * <li>in {@link #PRUNED} jars, classes that no other class can reach are left out
 * ({@link #reachable}, -4.3 MiB);</li>
 * <li>native libraries above 16 MiB lose their symbol tables ({@code strip --strip-unneeded}).</li>
 * </ul>
 * At the end every class reference in what was written is checked: a reference to a class that was
 * in the jars but was left out stops the build.
 */
public class RepackJars {
    /** The CUDA bindings the GPU engine calls; the others' JNI libraries and classes stay out. */
    static final Set<String> CUDA_KEPT = Set.of("cudart", "cublas", "cudnn", "nvrtc", "nvml", "curand");
    /** Our own classes keep their debug attributes: their stack traces are the ones worth reading. */
    static final String OWN_JAR = "alexlab-kernel-";
    /**
     * Jars of which only the classes reachable from the other jars are kept: libraries that ND4J,
     * tablesaw and oshi use inside and that the notebooks do not use themselves (fastutil alone has
     * 12,800 generated collection classes, of which tablesaw reaches about 1,800; -4.3 MiB in all).
     * Safe because a reference is any class name in a class's constant pool (descriptors,
     * signatures, string constants, so Class.forName("...") too) or in a resource (service files,
     * properties), and the check at the end finds any class written that names one left out. A
     * notebook that imports such a library directly finds the classes the other jars reach (guava's
     * collections, say), not all of them. Not pruned, as they load their own classes by computed
     * names or nearly all of their classes are reachable anyway: JNA, oshi, classgraph, JavaCPP.
     */
    static final List<String> PRUNED = List.of(
            "fastutil-", "RoaringBitmap-", "univocity-parsers-", "commons-", "guava-", "failureaccess-",
            "protobuf-", "jackson-", "flatbuffers-java-", "neoitertools-", "byteunits-", "jna-platform-", "threetenbp-");

    private static final Pattern CUDA_JNI = Pattern.compile("/libjni(\\w+)\\.so$");
    private static final Pattern CUDA_CLASS = Pattern.compile("^org/bytedeco/cuda/(?:global/|presets/)?(\\w+)[/.$]");
    private static final Pattern JNA_NATIVE = Pattern.compile("com/sun/jna/[^/]+/(?:lib)?jnidispatch\\.\\w+");
    private static final Pattern NAME = Pattern.compile("[A-Za-z_$][\\w$]*(?:[/.][A-Za-z_$][\\w$]*)+");

    public static void main(String[] args) throws IOException {
        Path out = Path.of(args[0]);
        List<Path> jars = new ArrayList<>();
        for (int i = 1; i < args.length; i++)
            jars.add(Path.of(args[i]));

        // Which class is in which jar, and which names each class (or resource) mentions.
        Map<String, String> jarOfClass = new HashMap<>();
        Map<String, Set<String>> mentions = new HashMap<>();
        List<String> roots = new ArrayList<>();
        for (Path jar : jars) {
            String name = jar.getFileName().toString();
            boolean pruned = isPruned(name);
            try (ZipFile zip = new ZipFile(jar.toFile())) {
                for (ZipEntry entry : Collections.list(zip.entries())) {
                    if (isClass(entry.getName()))
                        jarOfClass.putIfAbsent(className(entry.getName()), name);
                    if (entry.isDirectory() || !keep(name, entry.getName()) || isNative(entry.getName()))
                        continue;
                    byte[] data = zip.getInputStream(entry).readAllBytes();
                    if (isClass(entry.getName())) {
                        String cls = new ClassReader(data).getClassName();
                        mentions.computeIfAbsent(cls, k -> new HashSet<>()).addAll(classNames(data));
                        if (!pruned)
                            roots.add(cls);
                    } else if (data.length < (1 << 20)) {
                        // Resources (service files, properties) may name classes that are loaded by name.
                        String key = "resource:" + name + "!" + entry.getName();
                        mentions.put(key, names(new String(data, StandardCharsets.ISO_8859_1)));
                        roots.add(key);
                    }
                }
            }
        }
        Set<String> reachable = reachable(roots, mentions);

        Files.createDirectories(out);
        Set<String> written = new HashSet<>();
        for (Path jar : jars) {
            String name = jar.getFileName().toString();
            try (ZipFile zip = new ZipFile(jar.toFile());
                 ZipOutputStream dst = new ZipOutputStream(Files.newOutputStream(out.resolve(name)))) {
                dst.setMethod(ZipOutputStream.STORED);
                for (ZipEntry entry : Collections.list(zip.entries())) {
                    if (!keep(name, entry.getName()))
                        continue;
                    byte[] data = zip.getInputStream(entry).readAllBytes();
                    if (isClass(entry.getName())) {
                        String cls = new ClassReader(data).getClassName();
                        if (isPruned(name) && !reachable.contains(cls))
                            continue;
                        written.add(cls);
                        if (!name.startsWith(OWN_JAR))
                            data = stripDebug(data);
                    } else if (isNative(entry.getName()) && data.length > (16 << 20)) {
                        data = stripSymbols(data);
                    }
                    store(dst, entry, data);
                }
            }
        }

        // Nothing written may mention a class that was in the jars and is not written.
        Set<String> dangling = new TreeSet<>();
        for (String cls : written)
            for (String target : mentions.getOrDefault(cls, Set.of()))
                if (jarOfClass.containsKey(target) && !written.contains(target))
                    dangling.add(cls + " -> " + target);
        if (!dangling.isEmpty()) {
            dangling.stream().limit(20).forEach(System.err::println);
            throw new IllegalStateException(dangling.size() + " references to classes that were left out");
        }
    }

    static boolean isPruned(String jar) {
        return PRUNED.stream().anyMatch(jar::startsWith);
    }

    static boolean isClass(String entry) {
        return entry.endsWith(".class") && !entry.endsWith("module-info.class");
    }

    /** it/unimi/dsi/fastutil/ints/IntList for it/unimi/dsi/fastutil/ints/IntList.class (also under META-INF/versions/N/). */
    static String className(String entry) {
        return entry.replaceFirst("^META-INF/versions/\\d+/", "").replaceFirst("\\.class$", "");
    }

    static boolean isNative(String entry) {
        return entry.endsWith(".so") || entry.contains(".so.");
    }

    /** Entries that nothing in the kernel can use. */
    static boolean keep(String jar, String entry) {
        if (jar.startsWith("cuda-")) {
            // The JNI library and the classes of each CUDA library we do not call (cuFFT, NPP, ...):
            // loading such a class would fail anyway without its JNI library.
            Matcher m = jar.contains("linux-x86_64") ? CUDA_JNI.matcher(entry) : CUDA_CLASS.matcher(entry);
            return !m.find() || CUDA_KEPT.contains(m.group(1)) || !isCudaLibrary(m.group(1));
        }
        if (jar.startsWith("icu4j-"))  // tablesaw needs only ICU's charset detection (reading CSV files)
            return entry.startsWith("META-INF/") || entry.startsWith("com/ibm/icu/text/Charset");
        if (jar.startsWith("openblas-"))  // C headers; openblas_full, full LAPACK that ND4J does not call
            return !entry.contains("/include/") && !entry.contains("openblas_full");
        if (jar.startsWith("jna-") && JNA_NATIVE.matcher(entry).matches())  // JNA's library for other systems
            return entry.startsWith("com/sun/jna/linux-x86-64/");
        return true;
    }

    /** org/bytedeco/cuda/X/ is the package of CUDA library X, except for these shared ones. */
    static boolean isCudaLibrary(String name) {
        return !Set.of("global", "presets", "cuda").contains(name);
    }

    /**
     * The class without its debug attributes: SourceFile, SourceDebugExtension, LineNumberTable,
     * LocalVariableTypeTable, and LocalVariableTable except the entries of the parameters (JShell
     * shows them in signatures: {@code padStart(String string, int minLength, char padChar)}).
     * The code and its stack map frames are copied unchanged. Stack traces through these classes
     * read "(Unknown Source)", as they do through the runtime's own classes.
     */
    static byte[] stripDebug(byte[] data) {
        ClassReader reader = new ClassReader(data);
        ClassWriter writer = new ClassWriter(0);
        reader.accept(new ClassVisitor(Opcodes.ASM9, writer) {
            @Override
            public void visitSource(String source, String debug) {
            }

            @Override
            public MethodVisitor visitMethod(int access, String name, String descriptor, String signature, String[] exceptions) {
                // Local variable slots of the parameters ("this" included for instance methods).
                int slots = (Type.getArgumentsAndReturnSizes(descriptor) >> 2) - ((access & Opcodes.ACC_STATIC) != 0 ? 1 : 0);
                return new MethodVisitor(Opcodes.ASM9, super.visitMethod(access, name, descriptor, signature, exceptions)) {
                    @Override
                    public void visitLineNumber(int line, Label start) {
                    }

                    @Override
                    public void visitLocalVariable(String var, String desc, String sig, Label start, Label end, int index) {
                        if (index < slots && start.getOffset() == 0)
                            super.visitLocalVariable(var, desc, null, start, end, index);
                    }
                };
            }
        }, 0);
        return writer.toByteArray();
    }

    /** Classes reachable from the roots through the names they mention. */
    static Set<String> reachable(List<String> roots, Map<String, Set<String>> mentions) {
        Set<String> seen = new HashSet<>(roots);
        Deque<String> work = new ArrayDeque<>(roots);
        while (!work.isEmpty())
            for (String next : mentions.getOrDefault(work.pop(), Set.of()))
                if (mentions.containsKey(next) && seen.add(next))
                    work.add(next);
        return seen;
    }

    /**
     * Every name a class mentions, over-approximated: each class-name-like word in each string of
     * its constant pool (class references, descriptors, signatures, string constants that a
     * Class.forName might use).
     */
    static Set<String> classNames(byte[] data) {
        ClassReader reader = new ClassReader(data);
        StringBuilder text = new StringBuilder();
        for (int i = 1; i < reader.getItemCount(); i++) {
            int offset = reader.getItem(i);
            if (offset > 0 && data[offset - 1] == 1) {  // CONSTANT_Utf8: u2 length, then the bytes
                int length = ((data[offset] & 0xff) << 8) | (data[offset + 1] & 0xff);
                text.append(new String(data, offset + 2, length, StandardCharsets.ISO_8859_1)).append('\n');
            }
        }
        return names(text);
    }

    static Set<String> names(CharSequence text) {
        Set<String> names = new HashSet<>();
        Matcher m = NAME.matcher(text);
        while (m.find()) {
            String name = m.group().replace('.', '/');
            names.add(name);
            if (name.startsWith("L"))  // a descriptor: Lit/unimi/dsi/fastutil/ints/IntList;
                names.add(name.substring(1));
        }
        return names;
    }

    static byte[] stripSymbols(byte[] data) throws IOException {
        Path temp = Files.createTempFile("repack", ".so");
        try {
            Files.write(temp, data);
            Process strip = new ProcessBuilder("strip", "--strip-unneeded", temp.toString()).inheritIO().start();
            return strip.waitFor() == 0 ? Files.readAllBytes(temp) : data;
        } catch (IOException | InterruptedException noStrip) {  // no strip on this machine: keep the symbols
            return data;
        } finally {
            Files.delete(temp);
        }
    }

    static void store(ZipOutputStream dst, ZipEntry from, byte[] data) throws IOException {
        ZipEntry entry = new ZipEntry(from.getName());
        entry.setTime(from.getTime());
        CRC32 crc = new CRC32();
        crc.update(data);
        entry.setSize(data.length);
        entry.setCompressedSize(data.length);
        entry.setCrc(crc.getValue());
        dst.putNextEntry(entry);
        dst.write(data);
        dst.closeEntry();
    }
}
