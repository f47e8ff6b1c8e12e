package io.github.alexlab.kernel.run;

import com.google.gson.JsonArray;
import com.google.gson.JsonElement;
import com.google.gson.JsonObject;
import io.github.alexlab.kernel.wire.JupyterMessage;

import java.util.ArrayList;
import java.util.List;

/**
 * A cell's outputs as nbformat 4 stores them, built from the kernel's IOPub messages the way
 * Jupyter's own clients build them: consecutive prints to one stream join into one output, an
 * update_display_data rewrites every output with its display id, clear_output (with wait, at the
 * next output) empties the cell.
 */
final class CellOutputs {
    private final List<JsonObject> outputs = new ArrayList<>();
    private final List<String> displayIds = new ArrayList<>(); // beside outputs: the display id of each, or null
    private boolean clearAtNextOutput;

    void add(JupyterMessage m) {
        JsonObject c = m.content();
        switch (m.type()) {
            case "stream" -> {
                clearIfWaiting();
                String name = m.string("name", "stdout"), text = m.string("text", "");
                JsonObject last = outputs.isEmpty() ? null : outputs.get(outputs.size() - 1);
                if (last != null && last.get("output_type").getAsString().equals("stream")
                        && last.get("name").getAsString().equals(name)) {
                    last.addProperty("text", last.get("text").getAsString() + text);
                } else {
                    JsonObject stream = new JsonObject();
                    stream.addProperty("output_type", "stream");
                    stream.addProperty("name", name);
                    stream.addProperty("text", text);
                    append(stream, null);
                }
            }
            case "display_data" -> {
                clearIfWaiting();
                append(bundle("display_data", c), displayId(c));
            }
            case "update_display_data" -> {
                String id = displayId(c);
                for (int i = 0; i < outputs.size(); i++)
                    if (id != null && id.equals(displayIds.get(i))) {
                        outputs.get(i).add("data", c.get("data"));
                        outputs.get(i).add("metadata", metadataOf(c));
                    }
            }
            case "execute_result" -> {
                clearIfWaiting();
                JsonObject result = bundle("execute_result", c);
                result.add("execution_count", c.get("execution_count"));
                append(result, null);
            }
            case "error" -> {
                clearIfWaiting();
                JsonObject error = new JsonObject();
                error.addProperty("output_type", "error");
                error.addProperty("ename", m.string("ename", ""));
                error.addProperty("evalue", m.string("evalue", ""));
                error.add("traceback", c.has("traceback") ? c.get("traceback") : new JsonArray());
                append(error, null);
            }
            case "clear_output" -> {
                if (m.bool("wait", false))
                    clearAtNextOutput = true;
                else
                    clear();
            }
            default -> { } // execute_input, comm messages: not outputs
        }
    }

    /** The outputs, with text split into lines as nbformat writes them. */
    JsonArray toJson() {
        JsonArray array = new JsonArray();
        for (JsonObject o : outputs) {
            JsonObject copy = o.deepCopy();
            if (copy.has("text"))
                copy.add("text", lines(copy.get("text").getAsString()));
            if (copy.has("data")) {
                JsonObject data = copy.getAsJsonObject("data");
                for (String mime : List.copyOf(data.keySet()))
                    if (!isJson(mime) && data.get(mime).isJsonPrimitive())
                        data.add(mime, lines(data.get(mime).getAsString()));
            }
            array.add(copy);
        }
        return array;
    }

    /** The first error output, or null. */
    JsonObject error() {
        return outputs.stream().filter(o -> o.get("output_type").getAsString().equals("error")).findFirst().orElse(null);
    }

    private void append(JsonObject output, String displayId) {
        outputs.add(output);
        displayIds.add(displayId);
    }

    private void clearIfWaiting() {
        if (clearAtNextOutput)
            clear();
    }

    private void clear() {
        outputs.clear();
        displayIds.clear();
        clearAtNextOutput = false;
    }

    private static JsonObject bundle(String type, JsonObject content) {
        JsonObject o = new JsonObject();
        o.addProperty("output_type", type);
        o.add("data", content.has("data") ? content.get("data").deepCopy() : new JsonObject());
        o.add("metadata", metadataOf(content));
        return o;
    }

    private static JsonElement metadataOf(JsonObject content) {
        JsonElement metadata = content.get("metadata");
        return metadata != null && metadata.isJsonObject() ? metadata.deepCopy() : new JsonObject();
    }

    private static String displayId(JsonObject content) {
        JsonElement t = content.get("transient");
        if (t == null || !t.isJsonObject() || !t.getAsJsonObject().has("display_id"))
            return null;
        return t.getAsJsonObject().get("display_id").getAsString();
    }

    private static boolean isJson(String mime) {
        return mime.equals("application/json") || mime.endsWith("+json");
    }

    /** "a\nb" as ["a\n", "b"]: nbformat's multiline strings. */
    static JsonArray lines(String text) {
        JsonArray lines = new JsonArray();
        int start = 0;
        while (start < text.length()) {
            int end = text.indexOf('\n', start);
            end = end < 0 ? text.length() : end + 1;
            lines.add(text.substring(start, end));
            start = end;
        }
        return lines;
    }
}
