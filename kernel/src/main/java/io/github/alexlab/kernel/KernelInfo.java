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
        language.addProperty("version", Runtime.version().toString());
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
