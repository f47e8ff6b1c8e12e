package io.github.alexlab.kernel;

import com.google.gson.JsonObject;
import io.github.alexlab.kernel.wire.JupyterMessage;
import io.github.alexlab.kernel.wire.KernelSockets;

/**
 * Publishes on the IOPub channel on behalf of the request being served: output of a cell carries
 * that cell's request as its parent, so the frontend puts it under the right cell. Output from a
 * background thread after its cell ended goes to the last cell, as in IPython.
 */
public final class IOPub {
    private final KernelSockets sockets;
    private volatile JupyterMessage parent;
    private volatile boolean muted;

    IOPub(KernelSockets sockets) {
        this.sockets = sockets;
    }

    void setParent(JupyterMessage request) {
        this.parent = request;
    }

    JupyterMessage parent() {
        return parent;
    }

    /** While muted (a silent request runs), output of cells is dropped. */
    void setMuted(boolean muted) {
        this.muted = muted;
    }

    /** Publishes output of the current cell (stream, display data): dropped while muted. */
    public void publish(String type, JsonObject content) {
        if (!muted)
            publish(type, content, parent);
    }

    void publish(String type, JsonObject content, JupyterMessage parentRequest) {
        sockets.publish(JupyterMessage.create(sockets.session(), type, parentRequest, content));
    }

    void status(String state, JupyterMessage parentRequest) {
        JsonObject content = new JsonObject();
        content.addProperty("execution_state", state);
        publish("status", content, parentRequest);
    }
}
