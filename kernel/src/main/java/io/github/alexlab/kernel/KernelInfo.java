package io.github.alexlab.kernel;

import com.google.gson.JsonArray;
import com.google.gson.JsonObject;
import io.github.alexlab.kernel.wire.JupyterMessage;

import java.io.IOException;
import java.io.InputStream;
import java.util.Properties;

/** The content of {@code kernel_info_reply}: who we are and the language we speak. */
final class KernelInfo {
    static final String IMPLEMENTATION = "alexlab";
    static final String VERSION = readVersion();

    private KernelInfo() {}

    static JsonObject content() {
        JsonObject language = new JsonObject();
        language.addProperty("name", "java");
        // The feature release ("17"), not the full build ("17.0.15+6-Debian-1deb12u1"): notebook UIs
        // store language_info and mark a notebook "unsaved" whenever it differs from what they stored,
        // so a patch update of the JDK must not make every course notebook look edited.
        language.addProperty("version", String.valueOf(Runtime.version().feature()));
        language.addProperty("mimetype", "text/x-java-source");
        language.addProperty("file_extension", ".jsh");
        language.addProperty("pygments_lexer", "java");
        language.addProperty("codemirror_mode", "text/x-java");

        JsonArray help = new JsonArray();
        JsonObject api = new JsonObject();
        api.addProperty("text", "Java " + Runtime.version().feature() + " API");
        api.addProperty("url", "https://docs.oracle.com/en/java/javase/" + Runtime.version().feature() + "/docs/api/");
        help.add(api);

        JsonObject content = new JsonObject();
        content.addProperty("status", "ok");
        content.addProperty("protocol_version", JupyterMessage.PROTOCOL_VERSION);
        content.addProperty("implementation", IMPLEMENTATION);
        content.addProperty("implementation_version", VERSION);
        content.add("language_info", language);
        content.addProperty("banner", "AlexLab " + VERSION + ": Java " + Runtime.version()
                + " (JShell). %lsmagic lists the magics; display(x) shows anything.");
        content.add("help_links", help);
        return content;
    }

    private static String readVersion() {
        try (InputStream in = KernelInfo.class.getResourceAsStream("/alexlab.properties")) {
            Properties p = new Properties();
            if (in != null)
                p.load(in);
            return p.getProperty("version", "unknown");
        } catch (IOException e) {
            return "unknown";
        }
    }
}
