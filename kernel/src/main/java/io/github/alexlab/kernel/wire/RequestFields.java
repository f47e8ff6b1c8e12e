package io.github.alexlab.kernel.wire;

import com.google.gson.JsonElement;
import com.google.gson.JsonObject;

import java.math.BigDecimal;
import java.util.Map;

/**
 * The JSON type the messaging specification gives each field this kernel reads. A request with a
 * field of another type (a cursor_pos of "7", a code that is a list) is answered with an error that
 * names the field, rather than quietly run with a default in its place.
 */
public final class RequestFields {
    private enum Kind { STRING, BOOLEAN, INTEGER, OBJECT_OF_STRINGS }

    private static final Map<String, Kind> HEADER = Map.of(
            "msg_id", Kind.STRING, "session", Kind.STRING, "username", Kind.STRING, "version", Kind.STRING);

    private static final Map<String, Map<String, Kind>> CONTENT = Map.of(
            "execute_request", Map.of("code", Kind.STRING, "silent", Kind.BOOLEAN, "store_history", Kind.BOOLEAN,
                    "user_expressions", Kind.OBJECT_OF_STRINGS, "allow_stdin", Kind.BOOLEAN, "stop_on_error", Kind.BOOLEAN),
            "complete_request", Map.of("code", Kind.STRING, "cursor_pos", Kind.INTEGER),
            "inspect_request", Map.of("code", Kind.STRING, "cursor_pos", Kind.INTEGER, "detail_level", Kind.INTEGER),
            "is_complete_request", Map.of("code", Kind.STRING),
            "history_request", Map.of("output", Kind.BOOLEAN, "raw", Kind.BOOLEAN, "hist_access_type", Kind.STRING,
                    "session", Kind.INTEGER, "start", Kind.INTEGER, "stop", Kind.INTEGER, "n", Kind.INTEGER,
                    "pattern", Kind.STRING, "unique", Kind.BOOLEAN),
            "shutdown_request", Map.of("restart", Kind.BOOLEAN),
            "comm_open", Map.of("comm_id", Kind.STRING, "target_name", Kind.STRING));

    private RequestFields() {}

    /** Throws, naming the first field of a wrong type; absent and null fields are left to their defaults. */
    public static void check(JupyterMessage message) {
        check("header", message.header(), HEADER, message.type());
        check("content", message.content(), CONTENT.getOrDefault(message.type(), Map.of()), message.type());
    }

    private static void check(String part, JsonObject object, Map<String, Kind> fields, String type) {
        for (Map.Entry<String, Kind> field : fields.entrySet()) {
            JsonElement value = object.get(field.getKey());
            if (value != null && !value.isJsonNull() && !fits(value, field.getValue()))
                throw new InvalidFieldException(part + " field '" + field.getKey() + "' of " + type + " must be "
                        + describe(field.getValue()) + ", not " + abbreviated(value));
        }
    }

    private static boolean fits(JsonElement value, Kind kind) {
        return switch (kind) {
            case STRING -> value.isJsonPrimitive() && value.getAsJsonPrimitive().isString();
            case BOOLEAN -> value.isJsonPrimitive() && value.getAsJsonPrimitive().isBoolean();
            case INTEGER -> value.isJsonPrimitive() && value.getAsJsonPrimitive().isNumber()
                    && isWhole(value.getAsBigDecimal());
            case OBJECT_OF_STRINGS -> value.isJsonObject() && value.getAsJsonObject().entrySet().stream()
                    .allMatch(e -> fits(e.getValue(), Kind.STRING));
        };
    }

    private static boolean isWhole(BigDecimal n) {
        return n.signum() == 0 || n.stripTrailingZeros().scale() <= 0;
    }

    private static String describe(Kind kind) {
        return switch (kind) {
            case STRING -> "a string";
            case BOOLEAN -> "true or false";
            case INTEGER -> "a whole number";
            case OBJECT_OF_STRINGS -> "an object whose values are strings";
        };
    }

    private static String abbreviated(JsonElement value) {
        String json = value.toString();
        return json.length() > 40 ? json.substring(0, 40) + "..." : json;
    }

    /** A request field of the wrong JSON type. */
    public static final class InvalidFieldException extends IllegalArgumentException {
        InvalidFieldException(String message) {
            super(message);
        }
    }
}
