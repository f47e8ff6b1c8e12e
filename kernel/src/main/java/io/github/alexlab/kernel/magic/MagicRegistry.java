package io.github.alexlab.kernel.magic;

import java.util.ArrayList;
import java.util.List;
import java.util.Map;
import java.util.Optional;
import java.util.TreeMap;

/** Every magic the kernel knows, by name; line and cell magics may share a name (%time / %%time). */
public final class MagicRegistry {
    private final Map<String, LineMagic> lineMagics = new TreeMap<>();
    private final Map<String, CellMagic> cellMagics = new TreeMap<>();

    public static MagicRegistry withDefaults() {
        MagicRegistry registry = new MagicRegistry();
        registry.register(new TimeMagic());
        registry.register(new TimeitMagic());
        registry.register(new ClasspathMagic());
        registry.register(new LsMagic());
        registry.register(new DeviceMagic());
        registry.register(new MemoryMagic());
        registry.register(new CudaMagic());
        registry.register(new TestMagic());
        registry.register(new LessonMagic());
        return registry;
    }

    public void register(Magic magic) {
        for (String name : magic.names()) {
            if (magic instanceof LineMagic line)
                lineMagics.put(name, line);
            if (magic instanceof CellMagic cell)
                cellMagics.put(name, cell);
        }
    }

    public Optional<LineMagic> line(String name) {
        return Optional.ofNullable(lineMagics.get(name));
    }

    public Optional<CellMagic> cell(String name) {
        return Optional.ofNullable(cellMagics.get(name));
    }

    /** One line per magic, as %lsmagic shows them. */
    public List<String> listing() {
        List<String> lines = new ArrayList<>();
        lineMagics.forEach((name, m) -> lines.add(String.format("%%%-12s %s", name, m.summary())));
        cellMagics.forEach((name, m) -> lines.add(String.format("%%%%%-11s %s", name, m.summary())));
        return lines;
    }

    public String names() {
        List<String> all = new ArrayList<>();
        lineMagics.keySet().forEach(n -> all.add("%" + n));
        cellMagics.keySet().forEach(n -> all.add("%%" + n));
        return String.join(" ", all);
    }
}
